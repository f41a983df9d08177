package server

// SearchService answers search queries (implemented over the search package by cmd).
type SearchService interface{}

// registerSearch serves /search/ and /api/search.
func (s *Server) registerSearch() {}
