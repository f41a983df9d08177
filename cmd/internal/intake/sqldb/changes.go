package sqldb

import "context"

// Changes returns the number of history events in the store. The history
// is append-only and every change to a complaint adds to it, so a server
// that publishes figures rebuilds them when this number moves, whichever
// replica made the change.
func (s *Store) Changes(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM complaint_events`).Scan(&n)
	return n, err
}
