package loader

import (
	"errors"
	"io/fs"
	"net/netip"
	"net/url"
	"strings"
	"time"
	_ "time/tzdata" // the site's zone must load on machines without a zoneinfo database

	"portal/generator/dataset"
	"portal/generator/diag"
	"portal/generator/ledger"
	"portal/generator/model"
	"portal/generator/page"
)

// ConfigFile is the site configuration's name at the site root.
const ConfigFile = "portal.toml"

// loadConfig reads portal.toml over model.DefaultConfig. A missing file means
// the defaults. Config.Location is always set (the default zone when the
// configured one is wrong, which is reported as an error).
func loadConfig(fsys fs.FS, dl *diag.List) model.Config {
	cfg := model.DefaultConfig()
	data, err := readBounded(fsys, ConfigFile, model.DefaultLimits().FileBytes, "file_bytes")
	if errors.Is(err, fs.ErrNotExist) {
		return cfg
	}
	if err != nil {
		dl.Errorf(ConfigFile, 0, 0, "", "%s", readError(err))
		return cfg
	}
	data, err = page.Normalize(data)
	if err != nil {
		se := err.(*page.SplitError)
		dl.Errorf(ConfigFile, se.Line, se.Col, "", "%s", se.Msg)
		return cfg
	}
	if !page.CheckLines(ConfigFile, data, model.DefaultLimits().LineBytes, dl) {
		return cfg
	}
	// Dates in portal.toml are read once the zone is known; the first pass
	// only needs time_zone.
	t := page.DecodeTOML(ConfigFile, data, 1, time.UTC, dl)
	if t == nil {
		return cfg
	}
	if t.Has("time_zone") {
		cfg.TimeZone = t.Str(true, "time_zone")
		if cfg.TimeZone != "" {
			loc, err := time.LoadLocation(cfg.TimeZone)
			if err != nil || cfg.TimeZone == "Local" {
				t.Errorf("time_zone", "%q is not a time zone name (use an IANA name such as Asia/Shanghai)", cfg.TimeZone)
			} else {
				cfg.Location = loc
			}
		}
	}
	// Decode again in the site's zone so holiday dates land on the right day.
	// The text parsed once already, so this cannot add syntax errors.
	if t2 := page.DecodeTOML(ConfigFile, data, 1, cfg.Location, dl); t2 != nil {
		t2.Has("time_zone")
		t = t2
	}

	str := func(t *page.Table, key string, dst *string) {
		if t.Has(key) {
			*dst = t.Str(false, key)
		}
	}
	positive := func(t *page.Table, key string, dst *int, minimum int) {
		if n, ok := t.Int(key); ok {
			if n < minimum {
				t.Errorf(key, "%d is too small (use %d or more)", n, minimum)
				return
			}
			*dst = n
		}
	}
	str(t, "base_url", &cfg.BaseURL)
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			t.Errorf("base_url", "%q is not an absolute web address (use https://host/ or https://host/path/)", cfg.BaseURL)
			cfg.BaseURL = ""
		} else if !strings.HasSuffix(cfg.BaseURL, "/") {
			cfg.BaseURL += "/"
		}
	}
	str(t, "title", &cfg.Title)
	str(t, "description", &cfg.Description)
	str(t, "language", &cfg.Language)
	str(t, "theme", &cfg.Theme)
	if cfg.Theme == "" || strings.ContainsAny(cfg.Theme, `/\`) || strings.HasPrefix(cfg.Theme, ".") {
		t.Errorf("theme", "%q is not a theme name (use \"default\" or the name of a folder under themes/)", cfg.Theme)
		cfg.Theme = "default"
	}
	positive(t, "page_size", &cfg.PageSize, 1)
	str(t, "state_dir", &cfg.StateDir)
	cfg.AllowOutsideSymlinks = t.Bool("allow_outside_symlinks")
	if cfg.Title == "" {
		cfg.Title = model.DefaultConfig().Title
	}
	if cfg.Language == "" {
		cfg.Language = model.DefaultConfig().Language
	}
	if cfg.StateDir == "" {
		cfg.StateDir = model.DefaultConfig().StateDir
	}

	if g := t.Table("government"); g != nil {
		gc := &cfg.Government
		for key, dst := range map[string]*string{
			"site_name": &gc.SiteName, "site_domain": &gc.SiteDomain, "site_id_code": &gc.SiteIDCode,
			"sponsor": &gc.Sponsor, "organizer": &gc.Organizer, "contact": &gc.Contact,
			"address": &gc.Address, "icp": &gc.ICP, "police_record": &gc.PoliceRecord,
			"logo": &gc.Logo, "conac_mark": &gc.ConacMark, "conac_url": &gc.ConacURL, "error_report": &gc.ErrorReport,
			"phone": &gc.Phone, "email": &gc.Email, "hours": &gc.Hours, "police_record_url": &gc.PoliceRecordURL,
		} {
			str(g, key, dst)
		}
		checkGovernment(g, *gc)
		// Links the footer and header show: a site path or a web address,
		// never javascript: or a relative path that breaks on deeper pages.
		for key, v := range map[string]string{"logo": gc.Logo, "conac_mark": gc.ConacMark, "conac_url": gc.ConacURL,
			"error_report": gc.ErrorReport, "police_record_url": gc.PoliceRecordURL} {
			if v != "" && !strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://") {
				g.Errorf(key, "%q is not a link (use a site path starting with / or an http(s):// address)", v)
			}
		}
		g.Finish()
	}
	if c := t.Table("commitments"); c != nil {
		positive(c, "due_soon_days", &cfg.Commitments.DueSoonDays, 0)
		positive(c, "very_overdue_days", &cfg.Commitments.VeryOverdueDays, 0)
		c.Finish()
	}
	if f := t.Table("feeds"); f != nil {
		positive(f, "items", &cfg.Feeds.Items, 1)
		f.Finish()
	}
	if c := t.Table("complaints"); c != nil {
		str(c, "store", &cfg.Complaints.Store)
		positive(c, "reply_working_days", &cfg.Complaints.ReplyWorkingDays, 1)
		positive(c, "extension_max_days", &cfg.Complaints.ExtensionMaxDays, 0)
		positive(c, "posts_per_minute", &cfg.Complaints.PostsPerMinute, 0)
		positive(c, "post_burst", &cfg.Complaints.PostBurst, 0)
		positive(c, "retention_days", &cfg.Complaints.RetentionDays, 1)
		for _, d := range c.Dates("holidays") {
			cfg.Complaints.Holidays = append(cfg.Complaints.Holidays, d.Format(time.DateOnly))
		}
		for _, d := range c.Dates("extra_workdays") {
			cfg.Complaints.ExtraWorkdays = append(cfg.Complaints.ExtraWorkdays, d.Format(time.DateOnly))
		}
		c.Finish()
	}
	if l := t.Table("ledger"); l != nil {
		str(l, "public_key", &cfg.Ledger.PublicKey)
		if cfg.Ledger.PublicKey != "" {
			if _, err := ledger.KeyName(cfg.Ledger.PublicKey); err != nil {
				l.Errorf("public_key", "%q is not a publication-log public key (use the line portal keygen writes: name+id+key)", cfg.Ledger.PublicKey)
				cfg.Ledger.PublicKey = ""
			}
		}
		for i, k := range l.Strs("previous_keys") {
			switch _, err := ledger.KeyName(k); {
			case err != nil:
				l.Errorf("previous_keys", "element %d, %q, is not a publication-log public key (use a line portal keygen wrote: name+id+key)", i+1, k)
			case k == strings.TrimSpace(cfg.Ledger.PublicKey):
				l.Errorf("previous_keys", "element %d is the current public_key: list here only the keys the site no longer signs with", i+1)
			default:
				cfg.Ledger.PreviousKeys = append(cfg.Ledger.PreviousKeys, k)
			}
		}
		str(l, "verifier_url", &cfg.Ledger.VerifierURL)
		if v := cfg.Ledger.VerifierURL; v != "" && !strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://") {
			l.Errorf("verifier_url", "%q is not a link (use a site path starting with / or an http(s):// address)", v)
			cfg.Ledger.VerifierURL = ""
		}
		l.Finish()
	}
	dataset.ParseDisclosureConfig(t.Table("disclosures"), &cfg.Disclosures)
	dataset.ParseVocabularyConfig(t.Table("vocabulary"), &cfg.Vocabulary)
	if i := t.Table("indicators"); i != nil {
		loadIndicators(i, &cfg.Indicators, cfg.Vocabulary.DisclosureCategories)
	}
	if sv := t.Table("server"); sv != nil {
		sc := &cfg.Server
		for i, c := range sv.Strs("trusted_proxies") {
			if _, err := netip.ParsePrefix(c); err != nil {
				if a, aerr := netip.ParseAddr(c); aerr == nil {
					c = netip.PrefixFrom(a, a.BitLen()).String() // a single address
				} else {
					line, col := sv.ElemPos("trusted_proxies", c)
					sv.ErrorAt(line, col, "trusted_proxies", "element %d: %q is not an address or CIDR range (use e.g. \"127.0.0.1/32\", \"10.0.0.0/8\" or \"::1\")", i+1, c)
					continue
				}
			}
			sc.TrustedProxies = append(sc.TrustedProxies, c)
		}
		if h := sv.Enum(false, []string{"X-Forwarded-For", "X-Real-IP", "Forwarded"}, "client_ip_header"); h != "" {
			sc.ClientIPHeader = h
		}
		positive(sv, "header_timeout", &sc.HeaderTimeout, 1)
		positive(sv, "body_timeout", &sc.BodyTimeout, 1)
		positive(sv, "upload_timeout", &sc.UploadTimeout, 1)
		positive(sv, "idle_timeout", &sc.IdleTimeout, 1)
		positive(sv, "max_header_bytes", &sc.MaxHeaderBytes, 4096)
		positive(sv, "max_headers", &sc.MaxHeaders, 10)
		positive(sv, "max_connections", &sc.MaxConnections, 16)
		sv.Finish()
	}
	if l := t.Table("limits"); l != nil {
		lim := &cfg.Limits
		positive(l, "file_bytes", &lim.FileBytes, 1024)
		positive(l, "data_file_bytes", &lim.DataFileBytes, 1024)
		positive(l, "front_matter_bytes", &lim.FrontMatterBytes, 256)
		positive(l, "front_matter_depth", &lim.FrontMatterDepth, 2)
		positive(l, "markdown_depth", &lim.MarkdownDepth, 2)
		positive(l, "line_bytes", &lim.LineBytes, 256)
		positive(l, "rows_per_file", &lim.RowsPerFile, 1)
		positive(l, "diagnostics", &lim.Diagnostics, 1)
		l.Finish()
	}
	t.Finish()
	return cfg
}
