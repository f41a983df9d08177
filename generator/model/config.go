package model

import (
	"path/filepath"
	"time"
)

// Config is portal.toml, the site configuration. Zero values are replaced by
// the defaults in DefaultConfig by the loader.
type Config struct {
	BaseURL     string `toml:"base_url"`    // absolute, e.g. https://xyxx.linyi.gov.cn/
	Title       string `toml:"title"`       // site title
	Description string `toml:"description"` // one line under the title, meta description
	Language    string `toml:"language"`    // zh-CN
	TimeZone    string `toml:"time_zone"`   // IANA name; Asia/Shanghai by default
	Theme       string `toml:"theme"`       // "default" or a folder under the site's themes/
	PageSize    int    `toml:"page_size"`   // list pagination; default 20
	StateDir    string `toml:"state_dir"`   // runtime state (index, db, cache); default .portal

	// AllowOutsideSymlinks lets content, data and theme files be symbolic
	// links to files outside the site folder. Off by default: such a link is
	// refused, so nothing outside the site can be published by mistake.
	AllowOutsideSymlinks bool `toml:"allow_outside_symlinks"`

	Government  GovernmentConfig `toml:"government"`
	Commitments CommitmentConfig `toml:"commitments"`
	Feeds       FeedConfig       `toml:"feeds"`
	Complaints  ComplaintConfig  `toml:"complaints"`
	Limits      Limits           `toml:"limits"`
	Server      ServerConfig     `toml:"server"`
	Indicators  IndicatorConfig  `toml:"indicators"`
	Ledger      LedgerConfig     `toml:"ledger"`
	Disclosures DisclosureConfig `toml:"disclosures"`
	Vocabulary  VocabularyConfig `toml:"vocabulary"`

	// Location is TimeZone loaded: never nil in a Config from DefaultConfig
	// or the loader, so no reader needs a fallback zone.
	Location *time.Location `toml:"-"`
}

// GovernmentConfig carries the fields every government website must show
// (the meta tags and the footer).
type GovernmentConfig struct {
	SiteName     string `toml:"site_name"`     // meta SiteName
	SiteDomain   string `toml:"site_domain"`   // meta SiteDomain
	SiteIDCode   string `toml:"site_id_code"`  // 网站标识码, meta SiteIDCode
	Sponsor      string `toml:"sponsor"`       // 主办单位
	Organizer    string `toml:"organizer"`     // 承办单位, optional
	Contact      string `toml:"contact"`       // 联系方式
	Address      string `toml:"address"`       // 地址, optional
	ICP          string `toml:"icp"`           // ICP备案号
	PoliceRecord string `toml:"police_record"` // 公安机关备案号, optional

	// The furniture every government site carries (政府网站发展指引,
	// 国办发〔2017〕47号: the header's 网站标识 and the footer's 党政机关网站标识,
	// 我为政府网站找错, 网站地图, 联系我们). Each is optional; pages show what
	// is set.
	Logo            string `toml:"logo"`              // 网站标识: an image path under the theme's static/ or an https URL
	ConacMark       string `toml:"conac_mark"`        // 党政机关网站标识 (开办单位标识) image, issued with the registration
	ConacURL        string `toml:"conac_url"`         // where the mark links (the registration's check page)
	ErrorReport     string `toml:"error_report"`      // 我为政府网站找错: default the complaint form's 网站纠错 category
	Phone           string `toml:"phone"`             // 联系电话 on 联系我们
	Email           string `toml:"email"`             // 电子邮箱 on 联系我们
	Hours           string `toml:"hours"`             // 办公时间 on 联系我们
	PoliceRecordURL string `toml:"police_record_url"` // the 公安机关备案 check page, optional
}

// CommitmentConfig sets the windows used to derive commitment state.
type CommitmentConfig struct {
	DueSoonDays     int `toml:"due_soon_days"`     // default 30
	VeryOverdueDays int `toml:"very_overdue_days"` // default 90
}

// FeedConfig sets feed sizes.
type FeedConfig struct {
	Items int `toml:"items"` // newest N items per feed; default 50
}

// ComplaintConfig sets the 12345 time limits and the store.
type ComplaintConfig struct {
	Store            string   `toml:"store"`              // SQLite path or postgres:// URL; default <state_dir>/intake.db
	ReplyWorkingDays int      `toml:"reply_working_days"` // default 5
	ExtensionMaxDays int      `toml:"extension_max_days"` // default 10 (one extension)
	Holidays         []string `toml:"holidays"`           // YYYY-MM-DD days off that fall on weekdays
	ExtraWorkdays    []string `toml:"extra_workdays"`     // YYYY-MM-DD weekend days that are working days (调休)
	PostsPerMinute   int      `toml:"posts_per_minute"`   // per-client POST rate limit; 0 = the server's default (10)
	PostBurst        int      `toml:"post_burst"`         // per-client POST burst; 0 = the server's default (10)
	// RetentionDays: personal data (name, phone, e-mail, enterprise, attachments)
	// is erased this many days after a complaint is closed (办结); default 365.
	RetentionDays int `toml:"retention_days"`
}

// LedgerConfig is the publication log's configuration.
type LedgerConfig struct {
	// PublicKey is the office's verifier key (name+id+key, as portal keygen
	// writes it): visitors check the log's signed checkpoints with it. The
	// private key never goes in the site folder.
	PublicKey string `toml:"public_key"`
	// PreviousKeys are the keys the office rotated away from (portal keygen
	// -force lists the replaced key here): checkpoints and key rotations
	// they signed still verify; new checkpoints are signed with PublicKey
	// only.
	PreviousKeys []string `toml:"previous_keys"`
	// VerifierURL is where visitors get the portal program to check the
	// log themselves (a release page or the source repository); the
	// verification guide links it, or points to the contact page without it.
	VerifierURL string `toml:"verifier_url"`
}

// DefaultTimeZone is the zone of a site that names none.
const DefaultTimeZone = "Asia/Shanghai"

func defaultLocation() *time.Location {
	loc, err := time.LoadLocation(DefaultTimeZone)
	if err != nil {
		// Unreachable: time/tzdata is linked in (derive.go).
		panic("model: " + err.Error())
	}
	return loc
}

// DisclosureConfig is [disclosures]: how data files are read and what the
// site publishes of them.
type DisclosureConfig struct {
	// PersonNames is how names of natural persons (自然人 subjects, and the
	// operator of a 个体工商户) are shown: "mask" (default: 张*, 欧阳**),
	// "full" (only where a law requires the full name), or "hide" (自然人).
	PersonNames string `toml:"person_names"`
	// IgnoreColumns are extra columns of the offices' exports that are read
	// and dropped (序号, 地方编码 …) instead of being errors.
	IgnoreColumns []string `toml:"ignore_columns"`
	// Encodings declares the text encoding of data files by file name
	// (relative to data/disclosures/): "utf-8", "gb18030" or "gbk". Files
	// not listed are detected (UTF-8 with or without BOM, else GB18030).
	Encodings map[string]string `toml:"encodings"`
	// Publicity are the rules that compute a 公示截止期 when a record has
	// none, first match wins; DefaultPublicityRules when not configured.
	Publicity []PublicityRule `toml:"publicity"`
}

// PublicityRule computes the end of a record's publicity period from its
// decision date. A rule with neither Months nor UntilValid means 长期公示
// (no end); Months 0 with Withhold means the record is not published.
type PublicityRule struct {
	Category   string `toml:"category"`    // 类别 the rule is for, e.g. 行政处罚
	Severity   string `toml:"severity"`    // 失信严重程度 (轻微 | 一般 | 严重); "" matches any
	Months     int    `toml:"months"`      // publicity ends this many months after the decision date
	UntilValid bool   `toml:"until_valid"` // publicity ends at 有效期至 when the record has one
	Withhold   bool   `toml:"withhold"`    // not published at all (轻微失信信息原则上不予公示)
	Basis      string `toml:"basis"`       // the rule's legal basis, shown on the page
}

// DefaultPublicityRules follow 《信用修复管理办法》(国家发展改革委令2025年第36号,
// in force since 2026-04-01): the longest publicity period of a penalty by
// its 失信严重程度. Licences are published while valid.
func DefaultPublicityRules() []PublicityRule {
	const decree = "《信用修复管理办法》（国家发展改革委令2025年第36号）"
	return []PublicityRule{
		{Category: "行政处罚", Severity: "轻微", Withhold: true, Basis: decree + "：轻微失信信息原则上不予公示（确有必要公示的，公示期最长不超过3个月）"},
		{Category: "行政处罚", Severity: "一般", Months: 12, Basis: decree + "：一般失信信息最短公示期为3个月，最长为1年"},
		{Category: "行政处罚", Severity: "严重", Months: 36, Basis: decree + "：严重失信信息最短公示期为1年，最长为3年"},
		{Category: "行政许可", UntilValid: true, Basis: "行政许可信息在许可有效期内公示；未写有效期至的，长期公示"},
	}
}

// VocabularyConfig is [vocabulary]: the categories and case types a site
// uses. A value outside its list is a warning naming the known ones (an
// error with -strict). Each list replaces its default when set.
type VocabularyConfig struct {
	CommitmentCategories []string `toml:"commitment_categories"`
	DisclosureCategories []string `toml:"disclosure_categories"`
	CaseTypes            []string `toml:"case_types"`
}

// ServerConfig is [server]: how portal serve treats its clients.
type ServerConfig struct {
	// TrustedProxies are the CIDRs of the reverse proxies in front of serve
	// (e.g. "127.0.0.1/32", "10.0.0.0/8"): only from these peers are
	// X-Forwarded-For, X-Real-IP, Forwarded and X-Forwarded-Proto believed.
	TrustedProxies []string `toml:"trusted_proxies"`
	// ClientIPHeader is the header those proxies name the client in:
	// "X-Forwarded-For" (default), "X-Real-IP" or "Forwarded". Only that one
	// is read: a header the proxy does not set comes from the client.
	ClientIPHeader string `toml:"client_ip_header"`
	HeaderTimeout  int    `toml:"header_timeout"`   // seconds to send the request line and headers; default 10
	BodyTimeout    int    `toml:"body_timeout"`     // seconds to send a form or API body; default 60
	UploadTimeout  int    `toml:"upload_timeout"`   // seconds to send a complaint with attachments; default 600
	IdleTimeout    int    `toml:"idle_timeout"`     // seconds an idle keep-alive connection stays open; default 60
	MaxHeaderBytes int    `toml:"max_header_bytes"` // request line and headers together; default 32768
	MaxHeaders     int    `toml:"max_headers"`      // header fields in one request; default 100
	MaxConnections int    `toml:"max_connections"`  // open connections at once; default 2048
}

// DefaultServerConfig is the [server] of a site that sets none.
func DefaultServerConfig() ServerConfig {
	return ServerConfig{ClientIPHeader: "X-Forwarded-For", HeaderTimeout: 10, BodyTimeout: 60, UploadTimeout: 600, IdleTimeout: 60,
		MaxHeaderBytes: 32 << 10, MaxHeaders: 100, MaxConnections: 2048}
}

// Limits bound the work one input file can cause. Each is checked before the
// expensive parser runs, and each refusal is a positioned content error.
type Limits struct {
	FileBytes        int `toml:"file_bytes"`         // one Markdown or TOML file; default 1 MiB
	DataFileBytes    int `toml:"data_file_bytes"`    // one CSV/JSON data file; default 256 MiB
	FrontMatterBytes int `toml:"front_matter_bytes"` // the +++ block of one page; default 256 KiB
	FrontMatterDepth int `toml:"front_matter_depth"` // nesting of tables, arrays and dotted keys; default 16
	MarkdownDepth    int `toml:"markdown_depth"`     // nesting of lists and block quotes; default 32
	LineBytes        int `toml:"line_bytes"`         // one line of a content file, one CSV cell; default 256 KiB
	RowsPerFile      int `toml:"rows_per_file"`      // records in one data file; default 1,000,000
	Diagnostics      int `toml:"diagnostics"`        // errors and warnings listed; the rest are counted; default 1,000
}

// DefaultLimits are the limits of a site that sets none. Real content stays
// far below them (the shipped site's largest page is under 20 KiB, nested 3 deep).
func DefaultLimits() Limits {
	return Limits{
		FileBytes:        1 << 20,
		DataFileBytes:    256 << 20,
		FrontMatterBytes: 256 << 10,
		FrontMatterDepth: 16,
		MarkdownDepth:    32,
		LineBytes:        256 << 10,
		RowsPerFile:      1_000_000,
		Diagnostics:      1000,
	}
}

// DefaultConfig returns the configuration used for every unset key.
func DefaultConfig() Config {
	return Config{
		Title:       "政务诚信公开平台",
		Language:    "zh-CN",
		TimeZone:    DefaultTimeZone,
		Location:    defaultLocation(),
		Theme:       "default",
		PageSize:    20,
		StateDir:    ".portal",
		Commitments: CommitmentConfig{DueSoonDays: 30, VeryOverdueDays: 90},
		Feeds:       FeedConfig{Items: 50},
		Complaints:  ComplaintConfig{ReplyWorkingDays: 5, ExtensionMaxDays: 10, RetentionDays: 365},
		Limits:      DefaultLimits(),
		Server:      DefaultServerConfig(),
		Indicators:  DefaultIndicators(),
		Disclosures: DisclosureConfig{PersonNames: "mask", Publicity: DefaultPublicityRules()},
		Vocabulary: VocabularyConfig{
			CommitmentCategories: append([]string(nil), CommitmentCategories...),
			DisclosureCategories: append([]string(nil), DisclosureCategories...),
			CaseTypes:            append([]string(nil), CaseTypes...),
		},
	}
}

// StatePath returns a path under the site's runtime state folder
// (state_dir, relative to siteDir unless absolute), e.g.
// StatePath(dir, "search") for the search index.
func (c Config) StatePath(siteDir string, elem ...string) string {
	state := c.StateDir
	if state == "" {
		state = DefaultConfig().StateDir
	}
	if !filepath.IsAbs(state) {
		state = filepath.Join(siteDir, state)
	}
	return filepath.Join(append([]string{state}, elem...)...)
}
