package dataset

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"portal/generator/dataset/xlsxtest"
	"portal/generator/diag"
)

// bigHeader is the national 行政处罚 table's columns, as a 信用平台 export
// carries them.
var bigHeader = []string{"行政相对人名称", "行政相对人类别", "行政相对人代码_1（统一社会信用代码）", "行政相对人代码_2（工商注册号）", "行政相对人代码_3（组织机构代码）",
	"行政相对人代码_4（税务登记号）", "行政相对人代码_5（事业单位证书号）", "行政相对人代码_6（社会组织登记证号）", "法定代表人", "法定代表人证件类型", "法定代表人证件号码",
	"证件类型", "证件号码", "行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据", "处罚类别", "处罚内容", "罚款金额（万元）",
	"没收违法所得、没收非法财物的金额（万元）", "暂扣或吊销证照名称及编号", "处罚决定日期", "处罚有效期", "公示截止期", "处罚机关", "处罚机关统一社会信用代码",
	"数据来源单位", "数据来源单位统一社会信用代码", "备注"}

// bigRow returns row i of a generated penalty file: every column filled as
// offices fill them, a valid credit code, a unique 文号.
func bigRow(i int) []string {
	code17 := fmt.Sprintf("91371302MA%07d", i)
	c, _ := CreditCodeCheckChar(code17)
	code := code17 + string(c)
	d := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%700)
	return []string{fmt.Sprintf("临沂市兰山区第%d号商贸有限公司", i), "法人及非法人组织", code, "", "", "", "", "", "王某某", "身份证", "370102199003071238",
		"", "", fmt.Sprintf("临市监罚〔%d〕%d号", d.Year(), i), "虚假宣传", "当事人在其经营场所发布虚假广告，宣传商品功效，违反了《中华人民共和国反不正当竞争法》第八条第一款的规定。",
		"《中华人民共和国反不正当竞争法》第二十条第一款", "罚款", "责令停止违法行为，罚款" + strconv.Itoa(1+i%50) + "万元", strconv.Itoa(1 + i%50), "",
		"", d.Format("2006-01-02"), "", "", "临沂市市场监督管理局", "11371300MB2853172E", "临沂市市场监督管理局", "11371300MB2853172E", ""}
}

// WriteBigFiles writes the n-row penalty file as CSV and as xlsx (through
// xlsxtest) into dir.
func writeBigFiles(tb testing.TB, dir string, n int) (csvPath, xlsxPath string) {
	tb.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	require.NoError(tb, w.Write(bigHeader))
	for i := 0; i < n; i++ {
		require.NoError(tb, w.Write(bigRow(i)))
	}
	w.Flush()
	csvPath = filepath.Join(dir, fmt.Sprintf("penalties-%d.csv", n))
	require.NoError(tb, os.WriteFile(csvPath, buf.Bytes(), 0o644))

	rows := make([][]any, 0, n+1)
	hdr := make([]any, len(bigHeader))
	for i, h := range bigHeader {
		hdr[i] = h
	}
	rows = append(rows, hdr)
	for i := 0; i < n; i++ {
		r := bigRow(i)
		row := make([]any, len(r))
		for j, v := range r {
			if v != "" {
				row[j] = v
			}
		}
		fine, _ := strconv.Atoi(r[19])
		row[19] = fine
		d, _ := time.Parse("2006-01-02", r[22])
		row[22] = d // a real Excel date cell
		rows = append(rows, row)
	}
	xlsxPath = filepath.Join(dir, fmt.Sprintf("penalties-%d.xlsx", n))
	f, err := os.Create(xlsxPath)
	require.NoError(tb, err)
	require.NoError(tb, xlsxtest.Write(f, []xlsxtest.Sheet{{Name: "行政处罚", Rows: rows}}, false))
	require.NoError(tb, f.Close())
	return csvPath, xlsxPath
}

// TestWriteBigFiles writes the benchmark's files for whole-process runs:
//
//	PORTAL_BIG_DIR=/tmp/big PORTAL_BIG_ROWS=100000 go test ./generator/dataset -run TestWriteBigFiles
func TestWriteBigFiles(t *testing.T) {
	dir := os.Getenv("PORTAL_BIG_DIR")
	if dir == "" {
		t.Skip("set PORTAL_BIG_DIR (and PORTAL_BIG_ROWS) to write the big files")
	}
	n, err := strconv.Atoi(os.Getenv("PORTAL_BIG_ROWS"))
	if err != nil {
		n = 100000
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	c, x := writeBigFiles(t, dir, n)
	t.Log(c, x)
}

// BenchmarkReadBig reads a generated 行政处罚 file of every national column
// as CSV and as xlsx. The 100,000-row case is the target:
//
//	go test ./generator/dataset -run '^$' -bench ReadBig -benchtime 1x -benchmem
func BenchmarkReadBig(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		if testing.Short() && n > 10000 {
			continue
		}
		dir := b.TempDir()
		csvPath, xlsxPath := writeBigFiles(b, dir, n)
		for _, file := range []string{csvPath, xlsxPath} {
			data, err := os.ReadFile(file)
			require.NoError(b, err)
			b.Run(fmt.Sprintf("%s/rows=%d", filepath.Ext(file)[1:], n), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					var dl diag.List
					pages := ReadFile(file, data, Options{Location: cst}, &dl)
					if len(pages) != n || dl.Err() != nil {
						b.Fatalf("read %d of %d rows: %v", len(pages), n, dl.Err())
					}
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}
