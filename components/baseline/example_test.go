package baseline_test

import (
	"fmt"

	"github.com/mediguard/mediguard/components/baseline"
)

// The conformance pack template is rendered from the typed rule table; each
// rule's description carries the HIPAA sections it gives evidence for.
func ExampleRenderTemplate() {
	body, err := baseline.RenderTemplate([]baseline.ManagedRule{{
		Identifier:    "SNS_ENCRYPTED_KMS",
		Sections:      []string{"164.312(a)(2)(iv)", "164.312(e)(2)(ii)"},
		ResourceTypes: []string{"AWS::SNS::Topic"},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(body)
	// Output:
	// Resources:
	//     SnsEncryptedKms:
	//         Type: AWS::Config::ConfigRule
	//         Properties:
	//             ConfigRuleName: sns-encrypted-kms
	//             Description: HIPAA 164.312(a)(2)(iv), 164.312(e)(2)(ii)
	//             Scope:
	//                 ComplianceResourceTypes:
	//                     - AWS::SNS::Topic
	//             Source:
	//                 Owner: AWS
	//                 SourceIdentifier: SNS_ENCRYPTED_KMS
}
