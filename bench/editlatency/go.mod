module editlatency

go 1.26
