// Package ledger is the site's publication log: an append-only record of
// every published version of every commitment, disclosure, dishonesty record,
// case, policy and news item, kept in the site folder beside the content
// (data/ledger/) and published as static files (/log/) so that anyone can
// check that history was never quietly rewritten.
//
// Contract:
//
//   - A record's published state is its canonical form (Version): the
//     published fields of its kind (Schema), each normalised so that edits
//     which change no published character — line wrapping, Markdown syntax,
//     trailing spaces, tag order — give the same form. Version.Hash is the
//     SHA-256 of Version.Bytes, a documented line format.
//   - The log is a sequence of entries (Entry), one JSON line each: a record
//     added, changed (only the changed fields, long text as character edits)
//     or removed (a tombstone). Entry n's leaf in the Merkle tree is
//     tlog.RecordHash of its line plus "\n"; the tree, its tiles and the proofs
//     are golang.org/x/mod/sumdb/tlog's, laid out as the Go checksum database
//     lays them out (tile/8/L/NNN, tile/8/data/NNN).
//   - A checkpoint is a C2SP tlog-checkpoint (origin, size, base64 root hash)
//     signed with golang.org/x/mod/sumdb/note (Ed25519). The office keeps the
//     private key outside the site folder; portal.toml holds the public key.
//   - Plan computes the entries that bring the log up to date with the site
//     (Publish appends them); nothing else writes to the log, and nothing ever
//     rewrites an entry. Replay reconstructs every version of every record
//     from the entries and checks each against its declared hash.
//   - Classify names the material changes between two versions (a deadline
//     moved later, a status moved backwards, a promise reworded, a
//     disclosure changed or removed before its 公示截止期 …).
//
// The package reads and writes files only under the ledger folder it is given;
// it never renders pages (generator does) and never speaks HTTP (the verify
// command supplies a fetcher).
package ledger
