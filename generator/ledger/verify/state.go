package verify

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"portal/generator/ledger"
	"portal/internal/atomicfile"
)

// State is what `portal verify -follow STATEFILE` remembers between runs:
// the site, the key it was signed with, and the last checkpoint verified.
// The next run must find a log that extends it. For a site folder it also
// keeps the memo of verified pages (Memo), so a daily run parses only the
// pages that changed.
type State struct {
	Site       string       `json:"site"`
	Key        string       `json:"key"`
	Size       int64        `json:"size"`
	Hash       string       `json:"hash"` // base64 root hash, as in the checkpoint
	Checkpoint string       `json:"checkpoint"`
	Seen       string       `json:"seen"` // when it was verified (RFC 3339)
	Pages      *Memo        `json:"pages,omitempty"`
	Content    *ContentMemo `json:"content,omitempty"`
}

// LoadState reads a state file; a missing file is (nil, nil): a first run.
func LoadState(path string) (*State, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s：不是 portal verify 的状态文件：%v", path, err)
	}
	return &s, nil
}

// NewState records a verified checkpoint.
func NewState(site, key string, cp ledger.Checkpoint, signed []byte, now time.Time) *State {
	return &State{Site: site, Key: key, Size: cp.N, Hash: cp.Hash.String(), Checkpoint: string(signed), Seen: now.Format(time.RFC3339)}
}

// Save writes the state file atomically.
func (s *State) Save(path string) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, append(b, '\n'), 0o600, true)
}
