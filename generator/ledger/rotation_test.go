package ledger

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"

	"portal/generator/model"
)

// TestRotation: the old key endorses the new one at the log's checkpoint;
// the log keeps verifying under the new key with the old one listed, a
// verifier trusting the old key follows the rotation, and nothing else
// passes for one.
func TestRotation(t *testing.T) {
	dir := t.TempDir()
	l, oldSkey := history(t, dir)
	oldV := mustPublic(t, oldSkey)
	newSkey, newV := testKey(t)
	cp, err := l.VerifyCheckpoint(oldV)
	require.NoError(t, err)
	msg, err := Rotate(cp, oldSkey, newSkey)
	require.NoError(t, err)
	require.NoError(t, AddRotation(dir, msg))

	// The rotation is itself a checkpoint of the tree, signed by both keys.
	got, err := OpenCheckpoint(msg, oldV)
	require.NoError(t, err)
	assert.Equal(t, cp, got)
	got, err = OpenCheckpoint(msg, newV)
	require.NoError(t, err)
	assert.Equal(t, cp, got)
	r, err := OpenRotation(msg)
	require.NoError(t, err)
	assert.Equal(t, Rotation{Checkpoint: cp, From: oldV, To: newV}, r)

	// Under the new key, the old checkpoint verifies only with the old key
	// listed; the error names the key that signed it.
	back, err := Read(dir, ReadOptions{Verify: true})
	require.NoError(t, err)
	require.Len(t, back.Rotations, 1)
	_, err = back.VerifyCheckpoint(newV)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "密钥 "+KeyID(oldV))
	assert.Contains(t, err.Error(), "previous_keys")
	_, err = back.VerifyCheckpoint(newV, oldV)
	require.NoError(t, err)
	rots, err := back.CheckRotations(back.Rotations, []string{newV, oldV}, RotationName)
	require.NoError(t, err)
	_, err = back.CheckRotations(back.Rotations, []string{newV}, RotationName)
	require.ErrorContains(t, err, "密钥 "+KeyID(oldV))

	// Publishing with the new key signs the next checkpoint with it.
	_, err = ReadVerified(dir, newSkey)
	require.ErrorContains(t, err, "previous_keys", "not without the old key listed")
	l2, err := ReadVerified(dir, newSkey, oldV)
	require.NoError(t, err)
	c := startup()
	c.Status = model.StatusFulfilled
	res, err := l2.AppendAndSign(dir, []Version{versionOf(t, c)}, "2025-08-01", "", newSkey, nil, oldV)
	require.NoError(t, err)
	assert.True(t, res.Resigned)
	back, err = Read(dir, ReadOptions{Verify: true})
	require.NoError(t, err)
	assert.True(t, SignedBy(back.Checkpoint, newV))
	assert.False(t, SignedBy(back.Checkpoint, oldV))
	ncp, err := back.VerifyCheckpoint(newV) // no previous key needed for it
	require.NoError(t, err)
	require.NoError(t, back.Consistent(ncp, r.N, r.Hash), "the rotation's tree is a prefix")

	// A verifier that trusted the old key follows to the new one; one that
	// trusted the new key learns the old one as its predecessor.
	key, followed := FollowKey(rots, oldV)
	assert.Equal(t, newV, key)
	assert.Len(t, followed, 1)
	key, followed = FollowKey(rots, newV)
	assert.Equal(t, newV, key)
	assert.Empty(t, followed)
	assert.Equal(t, []string{oldV}, Predecessors(rots, newV))
	assert.Empty(t, Predecessors(rots, oldV))
	other, otherV := testKey(t)
	key, _ = FollowKey(rots, otherV)
	assert.Equal(t, otherV, key, "a rotation away from another key moves nothing")
	_ = other
}

func TestRotationRefused(t *testing.T) {
	dir := t.TempDir()
	l, oldSkey := history(t, dir)
	oldV := mustPublic(t, oldSkey)
	cp, err := l.VerifyCheckpoint(oldV)
	require.NoError(t, err)
	newSkey, newV := testKey(t)
	thief, thiefV := testKey(t)

	_, err = Rotate(cp, oldSkey, oldSkey)
	assert.ErrorContains(t, err, "新旧密钥相同")
	otherNamed, _, err := GenerateKey("other.example/log")
	require.NoError(t, err)
	_, err = Rotate(cp, oldSkey, otherNamed)
	assert.ErrorContains(t, err, "同名")

	good, err := Rotate(cp, oldSkey, newSkey)
	require.NoError(t, err)
	text := cp.Text() + rotationTag + oldV + " " + thiefV + "\n"
	for _, tc := range []struct {
		name string
		msg  func() []byte
		want string
	}{
		{"signed by the new key only", func() []byte {
			s, _ := note.NewSigner(thief)
			b, err := note.Sign(&note.Note{Text: text}, s)
			require.NoError(t, err)
			return b
		}, "没有旧公钥"},
		{"signed by the old key only", func() []byte {
			s, _ := note.NewSigner(oldSkey)
			b, err := note.Sign(&note.Note{Text: cp.Text() + rotationTag + oldV + " " + newV + "\n"}, s)
			require.NoError(t, err)
			return b
		}, "没有新公钥"},
		{"the new key swapped after signing", func() []byte {
			return []byte(strings.Replace(string(good), newV, thiefV, 1))
		}, "无法验证"},
		{"the tree changed after signing", func() []byte {
			return []byte(strings.Replace(string(good), "\n5\n", "\n4\n", 1))
		}, "无法验证"},
		{"no rotation line", func() []byte {
			s, _ := note.NewSigner(oldSkey)
			b, err := note.Sign(&note.Note{Text: cp.Text()}, s)
			require.NoError(t, err)
			return b
		}, "格式错误"},
		{"two rotation lines", func() []byte {
			return []byte(strings.Replace(string(good), "\n\n", "\n"+rotationTag+oldV+" "+thiefV+"\n\n", 1))
		}, "有且只有一行"},
		{"too short", func() []byte { return []byte("x\n\n— x abc\n") }, "格式错误"},
		{"no signature", func() []byte { return []byte(text) }, "没有签名"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := OpenRotation(tc.msg())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}

	// A rotation of another history of the same length is refused
	// against this log.
	odir := t.TempDir()
	ol := NewLog()
	c := startup()
	c.Title = "另一段历史"
	for _, d := range []string{"2024-11-25", "2025-06-01", "2025-06-02", "2025-06-03", "2025-06-04"} {
		c.Progress = append(c.Progress, c.Progress[0])
		publish(t, odir, ol, oldSkey, d, versionOf(t, c))
	}
	require.Equal(t, l.Size(), ol.Size())
	ocp, err := ol.VerifyCheckpoint(oldV)
	require.NoError(t, err)
	forged, err := Rotate(ocp, oldSkey, newSkey)
	require.NoError(t, err)
	_, err = l.CheckRotations([][]byte{forged}, nil, RotationName)
	assert.ErrorContains(t, err, "换钥时的历史被改写")
}

func TestSetKeys(t *testing.T) {
	p := filepath.Join(t.TempDir(), "portal.toml")
	require.NoError(t, os.WriteFile(p, []byte("title = \"站\"\n\n[ledger]\n# 注释\npublic_key = \"a/log+00000001+AAA\"\n\n[feeds]\nitems = 3\n"), 0o644))
	require.NoError(t, SetKeys(p, "a/log+00000002+BBB", []string{"a/log+00000001+AAA"}))
	require.NoError(t, SetKeys(p, "a/log+00000003+CCC", []string{"a/log+00000001+AAA", "a/log+00000002+BBB"}))
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, "title = \"站\"\n\n[ledger]\n# 注释\npublic_key = \"a/log+00000003+CCC\"\n"+
		"# 换下的旧公钥（portal keygen -force 写入）：它们签名过的检查点和换钥记录仍可核验。删除后，由它们签名的检查点将无法核验。\n"+
		"previous_keys = [\"a/log+00000001+AAA\", \"a/log+00000002+BBB\"]\n\n[feeds]\nitems = 3\n", string(b))

	// An array an editor spread over lines is replaced whole.
	require.NoError(t, os.WriteFile(p, []byte("[ledger]\npublic_key = \"k2\"\nprevious_keys = [\n  \"k1\",\n]\n"), 0o644))
	require.NoError(t, SetKeys(p, "k3", []string{"k1", "k2"}))
	b, err = os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(string(b), "previous_keys"))
	assert.Contains(t, string(b), "public_key = \"k3\"\n")
	assert.Contains(t, string(b), "previous_keys = [\"k1\", \"k2\"]\n")
	assert.NotContains(t, string(b), "\"k1\",\n]")
}

// FuzzOpenRotation: OpenRotation never panics, and what it accepts is a
// checkpoint both keys it names signed, as OpenCheckpoint reads it.
func FuzzOpenRotation(f *testing.F) {
	oldSkey, oldV, err := GenerateKey("xyxx.example.gov.cn/log")
	require.NoError(f, err)
	newSkey, _, err := GenerateKey("xyxx.example.gov.cn/log")
	require.NoError(f, err)
	cp := Checkpoint{Origin: "xyxx.example.gov.cn/log", N: 7}
	good, err := Rotate(cp, oldSkey, newSkey)
	require.NoError(f, err)
	f.Add(good)
	f.Add([]byte(strings.Replace(string(good), "\n7\n", "\n8\n", 1)))
	f.Add([]byte(cp.Text() + "\n— x abc\n"))
	f.Add([]byte("a\nb\n\n"))
	f.Add([]byte(cp.Text() + rotationTag + oldV + "\n\n"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		r, err := OpenRotation(msg)
		if err != nil {
			return
		}
		for _, k := range []string{r.From, r.To} {
			got, err := OpenCheckpoint(msg, k)
			if err != nil || got != r.Checkpoint {
				t.Fatalf("accepted rotation does not open as a checkpoint under %s: %v, %v != %v", k, err, got, r.Checkpoint)
			}
		}
	})
}
