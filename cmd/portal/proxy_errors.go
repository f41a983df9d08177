package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"portal/cmd/internal/server"
	"portal/generator"
	"portal/generator/model"
)

// The web server in front of portal answers some requests itself: 502 or
// 504 while serve restarts or is stopped, 413 for a body over its own
// bound. Its built-in pages are blank English; these are the site's own,
// in its theme, written with every build beside the search index
// (<state>/errors/) where docs/deploy/nginx-static.conf's error_page finds
// them. They are not part of the published site (no link, no sitemap).

// proxyErrorPages are the pages, by file name.
var proxyErrorPages = []struct {
	file, title string
	data        server.ErrorPageData
}{
	{"unavailable.html", "服务暂时不可用", server.ErrorPageData{Status: http.StatusBadGateway,
		Message: "站内搜索和投诉受理暂时无法使用（服务正在重新启动或维护），请几分钟后再试。网站的其他页面照常可以浏览；" +
			"已经提交并取得受理编号的投诉不受影响。",
		BackURL: "/", BackLabel: "返回首页"}},
	{"too-large.html", "提交内容过大", server.ErrorPageData{Status: http.StatusRequestEntityTooLarge,
		Message: "提交的内容超过 32 MB，未被受理。投诉表单最多 3 个附件，每个不超过 5 MB。请用浏览器的“后退”返回表单" +
			"（已填写的文字通常仍在），改选较小的文件后重新提交。",
		BackURL: "/complaints/", BackLabel: "返回投诉页面"}},
}

// proxyErrorsStage writes the proxy's error pages after the site is
// published. A failure is a warning: the site itself is fine.
// proxyErrorsStageName names proxyErrorsStage.
const proxyErrorsStageName = "代理错误页 proxy error pages"

func proxyErrorsStage() generator.Stage {
	return generator.Stage{Name: proxyErrorsStageName, Run: func(ctx context.Context, r *generator.Result) error {
		if r.Theme == nil {
			return nil
		}
		dir := r.Site.Config.StatePath(r.Options.SiteDir, "errors")
		if err := writeProxyErrorPages(dir, r.Theme); err != nil && r.Options.Progress != nil {
			fmt.Fprintf(r.Options.Progress, "portal: 警告：代理错误页未能写入 %s：%v\n", dir, err)
		}
		return nil
	}, State: proxyErrorPagesState}
}

// proxyErrorPagesState is what the stage keeps outside the output: the
// pages' sizes and times, so that an unchanged build is skipped only while
// they are still there as written (their text follows from the theme and
// the program, which the build's key already covers).
func proxyErrorPagesState(_ context.Context, siteDir string, cfg model.Config) ([]byte, error) {
	dir := cfg.StatePath(siteDir, "errors")
	var b strings.Builder
	for _, p := range proxyErrorPages {
		info, err := os.Stat(filepath.Join(dir, p.file))
		if err != nil {
			fmt.Fprintf(&b, "%s -\n", p.file)
			continue
		}
		fmt.Fprintf(&b, "%s %d %d\n", p.file, info.Size(), info.ModTime().UnixNano())
	}
	return []byte(b.String()), nil
}

func writeProxyErrorPages(dir string, pages server.PageRenderer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, p := range proxyErrorPages {
		var b strings.Builder
		if err := pages.RenderPage(&b, server.LayoutError, p.title, "/", p.data); err != nil {
			return fmt.Errorf("%s: %w", p.file, err)
		}
		tmp := filepath.Join(dir, "."+p.file+".tmp")
		if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, filepath.Join(dir, p.file)); err != nil {
			return err
		}
	}
	return nil
}
