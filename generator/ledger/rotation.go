package ledger

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// A key rotation is the office changing the key that signs the log's
// checkpoints while it still holds the old private key. It is recorded as a
// checkpoint of the log as it stood at the change, with one extension line
//
//	key-rotation <old verifier key> <new verifier key>
//
// signed by both keys: the old key endorses the new one (a verifier that
// trusted the old key may trust the new one from then on), the new key
// proves it is held by the same office. Rotations are kept in the log folder
// as rotations/1, rotations/2 … in order and published as /log/rotations/N.
// A rotation is itself a valid checkpoint of the tree it names; it is never
// rewritten.
const (
	RotationsDir = "rotations"
	rotationTag  = "key-rotation "
)

// RotationName is the name, relative to the log folder and to /log/, of
// rotation i (0-based).
func RotationName(i int) string { return RotationsDir + "/" + strconv.Itoa(i+1) }

// Rotation is an opened key rotation.
type Rotation struct {
	Checkpoint        // the log at the change, which the old key vouches for
	From, To   string // the old and the new verifier key
}

// Rotate makes the rotation from the private key oldSkey to newSkey at cp,
// the log's last checkpoint (verified with the old key).
func Rotate(cp Checkpoint, oldSkey, newSkey string) ([]byte, error) {
	from, err := PublicKey(oldSkey)
	if err != nil {
		return nil, fmt.Errorf("旧私钥：%w", err)
	}
	to, err := PublicKey(newSkey)
	if err != nil {
		return nil, fmt.Errorf("新私钥：%w", err)
	}
	if from == to {
		return nil, errors.New("新旧密钥相同，无需换钥")
	}
	oldS, err := note.NewSigner(strings.TrimSpace(oldSkey))
	if err != nil {
		return nil, fmt.Errorf("旧私钥无效：%v", err)
	}
	newS, err := note.NewSigner(strings.TrimSpace(newSkey))
	if err != nil {
		return nil, fmt.Errorf("新私钥无效：%v", err)
	}
	if oldS.Name() != cp.Origin || newS.Name() != cp.Origin {
		return nil, fmt.Errorf("换钥记录要求新旧密钥同名，都以发布记录的名称 %q 命名（旧密钥 %q，新密钥 %q）", cp.Origin, oldS.Name(), newS.Name())
	}
	text := cp.Text() + rotationTag + from + " " + to + "\n"
	return note.Sign(&note.Note{Text: text}, oldS, newS)
}

// OpenRotation checks a rotation: it names two different keys of the log's
// name, and carries a valid signature by each.
func OpenRotation(msg []byte) (Rotation, error) {
	i := bytes.LastIndex(msg, []byte("\n\n")) // where note.Open splits text and signatures
	if i < 0 {
		return Rotation{}, errors.New("换钥记录没有签名")
	}
	lines := strings.Split(string(msg[:i]), "\n")
	if len(lines) < 4 {
		return Rotation{}, errors.New("换钥记录格式错误：应为来源、条目数、根哈希和“key-rotation 旧公钥 新公钥”四行")
	}
	var from, to string
	for _, line := range lines[3:] {
		if rest, ok := strings.CutPrefix(line, rotationTag); ok {
			f := strings.Fields(rest)
			if from != "" || len(f) != 2 || f[0] == f[1] {
				return Rotation{}, errors.New("换钥记录格式错误：应有且只有一行“key-rotation 旧公钥 新公钥”")
			}
			from, to = f[0], f[1]
		}
	}
	if from == "" {
		return Rotation{}, errors.New("换钥记录格式错误：没有“key-rotation 旧公钥 新公钥”一行")
	}
	vf, err := note.NewVerifier(from)
	if err != nil {
		return Rotation{}, fmt.Errorf("换钥记录中的旧公钥无效：%v", err)
	}
	vt, err := note.NewVerifier(to)
	if err != nil {
		return Rotation{}, fmt.Errorf("换钥记录中的新公钥无效：%v", err)
	}
	if vf.Name() == vt.Name() && vf.KeyHash() == vt.KeyHash() {
		return Rotation{}, fmt.Errorf("换钥记录的新旧公钥密钥编号相同（%08x）", vf.KeyHash())
	}
	n, err := note.Open(msg, note.VerifierList(vf, vt))
	if err != nil {
		return Rotation{}, fmt.Errorf("换钥记录的签名无法验证：%v", err)
	}
	signed := map[uint32]bool{}
	for _, s := range n.Sigs {
		signed[s.Hash] = true
	}
	switch {
	case !signed[vf.KeyHash()]:
		return Rotation{}, fmt.Errorf("换钥记录没有旧公钥（密钥 %08x）的签名：旧密钥没有认可这次更换", vf.KeyHash())
	case !signed[vt.KeyHash()]:
		return Rotation{}, fmt.Errorf("换钥记录没有新公钥（密钥 %08x）的签名", vt.KeyHash())
	}
	cp, err := ParseCheckpoint(n.Text)
	if err != nil {
		return Rotation{}, err
	}
	if cp.Origin != vf.Name() || cp.Origin != vt.Name() {
		return Rotation{}, fmt.Errorf("换钥记录的发布记录名称 %q 与密钥名称（%q、%q）不同", cp.Origin, vf.Name(), vt.Name())
	}
	return Rotation{Checkpoint: cp, From: from, To: to}, nil
}

// ReadRotations reads the rotations in the log folder dir, in order.
func ReadRotations(dir string) ([][]byte, error) {
	var out [][]byte
	for i := 0; ; i++ {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(RotationName(i))))
		if errors.Is(err, os.ErrNotExist) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
}

// AddRotation stores msg as the next rotation in the log folder dir.
func AddRotation(dir string, msg []byte) error {
	rots, err := ReadRotations(dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, RotationsDir), 0o755); err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(dir, filepath.FromSlash(RotationName(len(rots)))), msg); err != nil {
		return err
	}
	return syncDir(filepath.Join(dir, RotationsDir))
}

// CheckRotations opens every rotation and checks it against the log l:
// the tree it names must be l's (the rotation vouches for this history),
// and, when keys is not nil, both its keys must be among keys (the current
// key and the previous ones a site lists). name says where rotation i is
// (for errors).
func (l *Log) CheckRotations(rots [][]byte, keys []string, name func(i int) string) ([]Rotation, error) {
	known := map[string]bool{}
	for _, k := range keys {
		known[strings.TrimSpace(k)] = true
	}
	out := make([]Rotation, 0, len(rots))
	for i, msg := range rots {
		r, err := OpenRotation(msg)
		if err != nil {
			return nil, fmt.Errorf("%s：%w", name(i), err)
		}
		if keys != nil {
			for _, k := range []string{r.From, r.To} {
				if !known[k] {
					return nil, fmt.Errorf("%s：换钥记录中的公钥（密钥 %s）既不是本站公钥，也不在 portal.toml 的 [ledger] previous_keys 中（%s）", name(i), KeyID(k), k)
				}
			}
		}
		if r.N > l.Size() {
			return nil, fmt.Errorf("%s：换钥记录记载发布记录当时有 %d 条，现在只有 %d 条：条目被删除", name(i), r.N, l.Size())
		}
		root, err := l.TreeHash(r.N)
		if err != nil {
			return nil, err
		}
		if root != r.Hash {
			return nil, fmt.Errorf("%s：换钥记录记载的前 %d 条的树根哈希 %s 与发布记录计算的 %s 不符：换钥时的历史被改写", name(i), r.N, r.Hash, root)
		}
		out = append(out, r)
	}
	return out, nil
}

// FollowKey follows rotations, in order, from a key a verifier trusts:
// each rotation away from the key trusted so far hands the trust to its new
// key. It returns the key trusted at the end and the rotations followed.
func FollowKey(rots []Rotation, trusted string) (string, []Rotation) {
	key := strings.TrimSpace(trusted)
	var followed []Rotation
	for _, r := range rots {
		if r.From == key {
			key = r.To
			followed = append(followed, r)
		}
	}
	return key, followed
}

// Predecessors returns the keys that rotations hand, directly or through
// each other, to key: the keys it replaced, which its own signature on the
// rotation vouches for.
func Predecessors(rots []Rotation, key string) []string {
	key = strings.TrimSpace(key)
	have := map[string]bool{key: true}
	var out []string
	for i := len(rots) - 1; i >= 0; i-- {
		if r := rots[i]; have[r.To] && !have[r.From] {
			have[r.From] = true
			out = append(out, r.From)
		}
	}
	return out
}
