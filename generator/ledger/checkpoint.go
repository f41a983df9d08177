package ledger

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoint is a signed statement of the log's size and root hash, in the
// C2SP tlog-checkpoint text format:
//
//	<origin>
//	<size>
//	<base64 root hash>
//
// signed as a golang.org/x/mod/sumdb/note whose key name is the origin.
type Checkpoint struct {
	Origin string
	N      int64
	Hash   tlog.Hash
}

// Text is the checkpoint's signed body.
func (c Checkpoint) Text() string {
	return fmt.Sprintf("%s\n%d\n%s\n", c.Origin, c.N, base64.StdEncoding.EncodeToString(c.Hash[:]))
}

// ParseCheckpoint reads a checkpoint body (extension lines after the hash
// are allowed and ignored, as the format says).
func ParseCheckpoint(text string) (Checkpoint, error) {
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 || lines[0] == "" {
		return Checkpoint{}, errors.New("检查点格式错误：应为来源、条目数、根哈希三行")
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != lines[1] {
		return Checkpoint{}, fmt.Errorf("检查点格式错误：条目数 %q 不是非负整数", lines[1])
	}
	h, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(h) != tlog.HashSize {
		return Checkpoint{}, fmt.Errorf("检查点格式错误：根哈希 %q 不是 base64 编码的 SHA-256", lines[2])
	}
	c := Checkpoint{Origin: lines[0], N: n}
	copy(c.Hash[:], h)
	return c, nil
}

// GenerateKey makes an Ed25519 key pair named origin (e.g.
// xyxx.linyi.gov.cn/log) in note's text formats: skey is the private key
// (PRIVATE+KEY+…), vkey the public verifier key that goes in portal.toml.
func GenerateKey(origin string) (skey, vkey string, err error) {
	if err := checkOrigin(origin); err != nil {
		return "", "", err
	}
	return note.GenerateKey(rand.Reader, origin)
}

func checkOrigin(origin string) error {
	if origin == "" || strings.ContainsAny(origin, "+ \t\n") || !isPrintASCII(origin) {
		return fmt.Errorf("发布记录名称 %q 无效：应为不含空格和加号的 ASCII 文本，例如 xyxx.linyi.gov.cn/log", origin)
	}
	return nil
}

func isPrintASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// Sign signs c with the private key skey. The checkpoint's origin must be
// the key's name.
func Sign(c Checkpoint, skey string) ([]byte, error) {
	signer, err := note.NewSigner(strings.TrimSpace(skey))
	if err != nil {
		return nil, fmt.Errorf("私钥无效：%v", err)
	}
	if signer.Name() != c.Origin {
		return nil, fmt.Errorf("私钥名称为 %q，发布记录名称为 %q：不是本站的密钥", signer.Name(), c.Origin)
	}
	return note.Sign(&note.Note{Text: c.Text()}, signer)
}

// KeyName returns the name (the log's origin) of a verifier key.
func KeyName(vkey string) (string, error) {
	v, err := note.NewVerifier(strings.TrimSpace(vkey))
	if err != nil {
		return "", fmt.Errorf("公钥无效：%v", err)
	}
	return v.Name(), nil
}

// PublicKey returns the verifier key matching a private key.
func PublicKey(skey string) (string, error) {
	// A note private key is PRIVATE+KEY+name+hash+base64(alg||seed); the
	// verifier key is name+hash+base64(alg||public key).
	signer, err := note.NewSigner(strings.TrimSpace(skey))
	if err != nil {
		return "", fmt.Errorf("私钥无效：%v", err)
	}
	parts := strings.SplitN(strings.TrimSpace(skey), "+", 5)
	if len(parts) != 5 {
		return "", errors.New("私钥格式错误")
	}
	key, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(key) != 33 || key[0] != 1 {
		return "", errors.New("私钥不是 Ed25519 密钥")
	}
	pub := ed25519Public(key[1:])
	return note.NewEd25519VerifierKey(signer.Name(), pub)
}

// OpenCheckpoint checks msg's signature with vkey, or with one of the
// previous keys (portal.toml's [ledger] previous_keys: keys the office
// rotated away from, still good for what they signed), and returns the
// checkpoint it signs. A checkpoint signed by any other key is refused,
// naming the key that signed it.
func OpenCheckpoint(msg []byte, vkey string, previous ...string) (Checkpoint, error) {
	c, _, err := openCheckpoint(msg, vkey, previous)
	return c, err
}

// SignedBy reports whether msg carries a valid signature by vkey itself
// (not only by a previous key).
func SignedBy(msg []byte, vkey string) bool {
	_, err := OpenCheckpoint(msg, vkey)
	return err == nil
}

// keyring is vkey and the previous keys as note verifiers, each key once.
func keyring(vkey string, previous []string) (note.Verifier, note.Verifiers, error) {
	v, err := note.NewVerifier(strings.TrimSpace(vkey))
	if err != nil {
		return nil, nil, fmt.Errorf("公钥无效：%v", err)
	}
	list := []note.Verifier{v}
	seen := map[string]bool{strings.TrimSpace(vkey): true}
	for _, p := range previous {
		p = strings.TrimSpace(p)
		if seen[p] {
			continue
		}
		seen[p] = true
		pv, err := note.NewVerifier(p)
		if err != nil {
			return nil, nil, fmt.Errorf("旧公钥 %q 无效：%v", p, err)
		}
		for _, o := range list {
			if o.Name() == pv.Name() && o.KeyHash() == pv.KeyHash() {
				return nil, nil, fmt.Errorf("旧公钥 %s 与另一把公钥的名称和密钥编号 %08x 相同，无法区分", p, pv.KeyHash())
			}
		}
		list = append(list, pv)
	}
	return v, note.VerifierList(list...), nil
}

// openCheckpoint is OpenCheckpoint; it also returns the name of the key
// that verified the signature.
func openCheckpoint(msg []byte, vkey string, previous []string) (Checkpoint, note.Signature, error) {
	v, known, err := keyring(vkey, previous)
	if err != nil {
		return Checkpoint{}, note.Signature{}, err
	}
	n, err := note.Open(msg, known)
	if err != nil {
		var unverified *note.UnverifiedNoteError
		var invalid *note.InvalidSignatureError
		switch {
		case errors.As(err, &invalid):
			return Checkpoint{}, note.Signature{}, fmt.Errorf("检查点签名无效：内容在签名后被改动")
		case errors.As(err, &unverified):
			var signers []string
			for _, sig := range unverified.Note.UnverifiedSigs {
				signers = append(signers, fmt.Sprintf("%s（密钥 %08x）", sig.Name, sig.Hash))
			}
			also := "（站点更换过密钥时，换下的旧公钥应列在 portal.toml 的 [ledger] previous_keys 中；核验已部署的网站时，请使用主办单位公告的新公钥）"
			if ids := keyIDs(previous); ids != "" {
				also = "，也不是 [ledger] previous_keys 所列的旧公钥（密钥 " + ids + "）"
			}
			return Checkpoint{}, note.Signature{}, fmt.Errorf("检查点不是用本站公钥（%s，密钥 %08x）签名的，签名者为 %s%s", v.Name(), keyHash(vkey), strings.Join(signers, "、"), also)
		case !bytes.Contains(msg, []byte("\n\n")):
			return Checkpoint{}, note.Signature{}, errors.New("检查点没有签名")
		default:
			return Checkpoint{}, note.Signature{}, fmt.Errorf("检查点无法验证：%v", err)
		}
	}
	c, err := ParseCheckpoint(n.Text)
	if err != nil {
		return Checkpoint{}, note.Signature{}, err
	}
	sig := n.Sigs[0]
	if c.Origin != sig.Name {
		return Checkpoint{}, note.Signature{}, fmt.Errorf("检查点的来源为 %q，公钥名称为 %q：不是本站的发布记录", c.Origin, sig.Name)
	}
	return c, sig, nil
}

// keyIDs lists keys' ids (08x), "、"-separated.
func keyIDs(keys []string) string {
	var ids []string
	for _, k := range keys {
		ids = append(ids, KeyID(k))
	}
	return strings.Join(ids, "、")
}

// KeyID is a verifier key's id as signatures name it (8 hex digits).
func KeyID(vkey string) string { return fmt.Sprintf("%08x", keyHash(vkey)) }

func ed25519Public(seed []byte) ed25519.PublicKey {
	return ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
}

// keyHash is the key id a note signature names (the third field of a
// verifier key).
func keyHash(vkey string) uint32 {
	parts := strings.Split(strings.TrimSpace(vkey), "+")
	if len(parts) < 2 {
		return 0
	}
	h, _ := strconv.ParseUint(parts[1], 16, 32)
	return uint32(h)
}
