package intake

import (
	"fmt"
	"time"

	"portal/generator/workday"
)

// Calendar is the site's working-day calendar. It lives in generator/workday
// so the build counts the 双公示 publication limit with the same days.
type Calendar = workday.Calendar

// NewCalendar returns the calendar for loc (nil: UTC) with the holidays and
// extra working days of portal.toml's [complaints] table; a malformed date is
// an error naming its key ("complaints.holidays[2]: …").
func NewCalendar(loc *time.Location, holidays, extraWorkdays []string) (*Calendar, error) {
	c, err := workday.New(loc, holidays, extraWorkdays)
	if err != nil {
		return nil, fmt.Errorf("complaints.%w", err)
	}
	return c, nil
}
