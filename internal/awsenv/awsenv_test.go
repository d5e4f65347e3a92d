package awsenv

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/mediguard/mediguard/internal/recorder"
)

func TestLookupAsksTheProvider(t *testing.T) {
	t.Parallel()
	rec := recorder.New("mediguard", "test", "eu-central-1")
	var env Environment
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		var err error
		env, err = Lookup(ctx, nil)
		return err
	}, rec.RunOption())
	if err != nil {
		t.Fatal(err)
	}
	want := Environment{AccountID: recorder.Account, Region: "eu-central-1", Partition: "aws", DNSSuffix: "amazonaws.com"}
	if env != want {
		t.Fatalf("got %+v, want %+v", env, want)
	}
	for got, want := range map[string]string{
		env.RootARN():                    "arn:aws:iam::" + recorder.Account + ":root",
		env.ARN("cloudtrail", "trail/t"): "arn:aws:cloudtrail:eu-central-1:" + recorder.Account + ":trail/t",
		env.ServiceHost("kinesisvideo"):  "kinesisvideo.eu-central-1.amazonaws.com",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
