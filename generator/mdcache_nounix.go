//go:build !unix

package generator

import "os"

// readShard reads a store shard whole.
func readShard(path string) ([]byte, error) { return os.ReadFile(path) }
