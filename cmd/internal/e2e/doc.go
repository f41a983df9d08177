// Package e2e holds portal's real-browser end-to-end tests; it has no code of
// its own.
//
// Contract: TestMain builds the portal binary once, copies the shipped site
// (portal.toml, content/, data/) to a temporary folder, runs `portal serve`
// on a free loopback port with a temporary SQLite store, and drives Debian's
// chromium through github.com/chromedp/chromedp with page scripts disabled,
// so every test proves the site works without JavaScript. The package skips
// when chromium is not on PATH (or with -short); CI installs it with
// .ci/chromium.sh. Screenshots go to t.TempDir(), or to $PORTAL_E2E_SHOTS
// when set, for a person to look at.
package e2e
