package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/staff"
)

// TestStaffAddDepartmentByName: an operator names the handler's department
// as documents do (short or full name), not only by its registry id.
func TestStaffAddDepartmentByName(t *testing.T) {
	dir, _ := complaintSite(t)
	for i, dept := range []string{"市发展改革委", "临沂市发展和改革委员会", "fgw"} {
		out, _, err := runCLI(t, "staff", "add", "-site", dir, "-login", fmt.Sprintf("qian%d", i), "-name", "钱七", "-role", "handler", "-department", dept)
		require.NoError(t, err, dept)
		assert.Contains(t, out, "已创建账号", dept)
	}
	out, _, err := runCLI(t, "staff", "list", "-site", dir)
	require.NoError(t, err)
	assert.Equal(t, 3, strings.Count(out, "临沂市发展和改革委员会"), out)
	_, _, err = runCLI(t, "staff", "add", "-site", dir, "-login", "sun", "-name", "孙八", "-role", "handler", "-department", "发改")
	assert.ErrorContains(t, err, "不在部门名录中")
}

// TestStaffCLI creates accounts as an operator would, signs in with what
// the command printed, and reads the audit trail back.
func TestStaffCLI(t *testing.T) {
	dir, r := complaintSite(t)
	out, _, err := runCLI(t, "staff", "add", "-site", dir, "-login", "li.si", "-name", "李四", "-role", "handler", "-department", "fgw")
	require.NoError(t, err)
	pw := regexp.MustCompile(`初始密码[^：]*：(\S+)`).FindStringSubmatch(out)
	require.Len(t, pw, 2, out)
	assert.NotContains(t, out, "动态验证码密钥", "handlers have no TOTP")

	qr := filepath.Join(t.TempDir(), "zhao.png")
	out, _, err = runCLI(t, "staff", "add", "-site", dir, "-login", "zhao", "-name", "赵六", "-role", "supervisor", "-qr", qr)
	require.NoError(t, err)
	supPW := regexp.MustCompile(`初始密码[^：]*：(\S+)`).FindStringSubmatch(out)[1]
	secret := regexp.MustCompile(`动态验证码密钥[^：]*：(\S+)`).FindStringSubmatch(out)[1]
	png, err := os.ReadFile(qr)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(png), "\x89PNG"), "a QR picture")

	_, _, err = runCLI(t, "staff", "add", "-site", dir, "-login", "wang", "-name", "王五", "-role", "handler")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "所属单位")
	_, _, err = runCLI(t, "staff", "add", "-site", dir, "-login", "li.si", "-name", "李四", "-role", "handler", "-department", "fgw")
	assert.ErrorContains(t, err, "已被使用")

	// The printed credentials work.
	site := settings(t, dir)
	svc, store, err := openServiceStore(context.Background(), site, complaintDSN(dir, site.Config, ""))
	require.NoError(t, err)
	acc := staff.New(staff.Config{Store: store, Known: svc.Known})
	_, _, _, err = acc.Login(context.Background(), "li.si", pw[1], "", "127.0.0.1")
	require.NoError(t, err)
	code, err := totp.GenerateCode(secret, time.Now())
	require.NoError(t, err)
	_, _, _, err = acc.Login(context.Background(), "zhao", supPW, code, "127.0.0.1")
	require.NoError(t, err)
	require.NoError(t, store.Close())

	out, _, err = runCLI(t, "staff", "list", "-site", dir)
	require.NoError(t, err)
	assert.Contains(t, out, "li.si")
	assert.Contains(t, out, "临沂市发展和改革委员会")
	assert.Contains(t, out, "共 2 个账号")

	_, _, err = runCLI(t, "staff", "disable", "-site", dir, "li.si")
	require.NoError(t, err)
	out, _, err = runCLI(t, "staff", "list", "-site", dir)
	require.NoError(t, err)
	assert.Contains(t, out, "已停用")
	out, _, err = runCLI(t, "staff", "reset", "-site", dir, "li.si")
	require.NoError(t, err)
	assert.Contains(t, out, "初始密码")

	// The command line's own look at a complaint is audited too.
	_, _, err = runCLI(t, "complaints", "show", "-site", dir, r.Receipt)
	require.NoError(t, err)
	csvPath := filepath.Join(t.TempDir(), "audit.csv")
	_, _, err = runCLI(t, "staff", "audit", "-site", dir, "-format", "csv", "-o", csvPath)
	require.NoError(t, err)
	b, err := os.ReadFile(csvPath)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(b), "\uFEFF"), "a byte order mark, or Excel reads the UTF-8 as GBK")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\uFEFF"))).ReadAll()
	require.NoError(t, err)
	require.Greater(t, len(rows), 6)
	var actions []string
	for _, row := range rows[1:] {
		actions = append(actions, row[4])
	}
	assert.Equal(t, []string{"view", "account_reset", "account_disable", "login", "login", "account_add", "account_add"}, actions)
	assert.Equal(t, r.Receipt, rows[1][6])
	assert.NotContains(t, strings.Join(rows[len(rows)-1], ","), pw[1], "no password in the trail")
	out, _, err = runCLI(t, "staff", "audit", "-site", dir, "-action", "login")
	require.NoError(t, err)
	assert.Equal(t, 2, strings.Count(out, "登录"), out)
}

// TestOperatorUsageErrorsChineseFirst: the first errors an editor or a
// 12345 operator meets say in Chinese what to give, English after.
func TestOperatorUsageErrorsChineseFirst(t *testing.T) {
	dir, _ := complaintSite(t)
	t.Setenv("PORTAL_LOG_KEY_FILE", "")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"publish", "-site", dir}, "没有私钥"},
		{[]string{"keygen", "-site", dir}, "须用 -o 文件"},
		{[]string{"keygen", "-site", dir, "-o", filepath.Join(t.TempDir(), "k")}, "没有 base_url"},
		{[]string{"staff"}, "请给出子命令"},
		{[]string{"staff", "add", "-site", dir, "-login", "x1"}, "须给出 -login"},
		{[]string{"complaints"}, "请给出子命令"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[:1], " "), func(t *testing.T) {
			_, _, err := runCLI(t, tt.args...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
