package postgres

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestReplicasStartTogether: several replicas opening an empty database at
// once (after a power cut, or a deployment that starts them together) all
// start, and the migrations run once.
func TestReplicasStartTogether(t *testing.T) {
	for range 3 { // the race needs a few tries to show
		dsn := freshSchema(t, testDSN(t))
		var wg sync.WaitGroup
		errs := make([]error, 6)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := Open(context.Background(), dsn)
				if err == nil {
					s.Close()
				}
				errs[i] = err
			}()
		}
		wg.Wait()
		for _, err := range errs {
			assert.NoError(t, err)
		}
	}
}
