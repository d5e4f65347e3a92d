package logpattern_test

import (
	"fmt"

	"github.com/mediguard/mediguard/components/observability/logpattern"
)

func ExamplePattern_Match() {
	p, err := logpattern.Parse(`{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Match([]byte(`{"eventName":"ConsoleLogin","errorMessage":"Failed authentication"}`)))
	fmt.Println(p.Match([]byte(`{"eventName":"ConsoleLogin","responseElements":{"ConsoleLogin":"Success"}}`)))
	// Output:
	// true
	// false
}
