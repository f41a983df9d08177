//go:build !unix

package generator

import (
	"os"

	"portal/generator/markdown"
)

// readShard reads a store shard whole.
func readShard(path string) ([]byte, error) { return os.ReadFile(path) }

// releaseMapped does nothing: shards are read into the heap here.
func releaseMapped() {}

// spill keeps nothing off the heap here (no mapping): see the unix one.
type spill struct{}

func newSpill(string) *spill { return nil }

func (*spill) put(docs []markdown.Doc) []markdown.Doc { return docs }

func (*spill) close() {}
