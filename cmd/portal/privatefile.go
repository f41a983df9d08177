package main

import "os"

// createPrivate creates (or truncates) path readable and writable by its
// owner only: exports hold complainants' personal data. A file that already
// existed with a wider mode is narrowed first.
func createPrivate(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
