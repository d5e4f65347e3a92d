package recordertest

import (
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/internal/recorder"
)

// failure records whether an assertion failed, without stopping the test.
type failure struct {
	testing.TB
	failed bool
}

func (f *failure) Helper()               {}
func (f *failure) Errorf(string, ...any) { f.failed = true }
func (f *failure) Fatalf(string, ...any) { f.failed = true; panic(f) }

// fails reports whether check failed through f.
func fails(t *testing.T, check func(tb testing.TB)) (failed bool) {
	f := &failure{TB: t}
	defer func() {
		if p := recover(); p != nil && p != f {
			panic(p)
		}
		failed = f.failed
	}()
	check(f)
	return f.failed
}

func TestAssertions(t *testing.T) {
	t.Parallel()
	r := recorder.New("mediguard", "test", "")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := iam.NewRole(ctx, "role", &iam.RoleArgs{
			AssumeRolePolicy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
			Tags:             pulumi.StringMap{"a": pulumi.String("b")},
		})
		return err
	}, r.RunOption())
	if err != nil {
		t.Fatal(err)
	}
	role := MustNamed(t, r, "aws:iam/role:Role", "role")
	WantInput(t, role, "b", "tags", "a")
	if doc := Policy(t, role, "assumeRolePolicy"); doc.Statements[0].Actions[0] != "sts:AssumeRole" {
		t.Errorf("parsed %+v", doc)
	}
	for name, check := range map[string]func(tb testing.TB){
		"missing resource":  func(tb testing.TB) { MustNamed(tb, r, "aws:iam/role:Role", "other") },
		"missing input":     func(tb testing.TB) { Input(tb, role, "tags", "z") },
		"index into object": func(tb testing.TB) { Input(tb, role, "tags", "a", "0") },
		"different value":   func(tb testing.TB) { WantInput(tb, role, "c", "tags", "a") },
		"no policy input":   func(tb testing.TB) { Policy(tb, role, "inlinePolicy") },
	} {
		if !fails(t, check) {
			t.Errorf("%s: the assertion passed", name)
		}
	}
}
