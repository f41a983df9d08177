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
	Indicators  IndicatorConfig  `toml:"indicators"`
	Ledger      LedgerConfig     `toml:"ledger"`

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
		Indicators:  DefaultIndicators(),
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
