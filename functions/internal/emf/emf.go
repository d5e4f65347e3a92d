// Package emf writes CloudWatch embedded metric format (EMF) records.
//
// A Lambda function's stdout goes to its log group; CloudWatch extracts the
// metrics described by an EMF record's "_aws" member without a PutMetricData
// call (which would need a network route and an IAM permission). A record is
// one JSON object on one line: the metadata, then each dimension and metric as
// a top-level member.
package emf

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"sync"
	"time"
)

// Unit is a CloudWatch metric unit.
type Unit string

// Units the handlers use.
const (
	Count        Unit = "Count"
	Milliseconds Unit = "Milliseconds"
	Bytes        Unit = "Bytes"
)

// maxValues is the EMF limit of values one metric may carry in a record.
const maxValues = 100

// Metric is one named measurement with one or more values (EMF accepts an
// array of up to 100 values, which CloudWatch treats as separate samples).
type Metric struct {
	Name   string
	Unit   Unit
	Values []float64
}

// Writer emits EMF records under one namespace, with dimensions common to
// every record (for example the function name). It is safe for concurrent use.
type Writer struct {
	mu         sync.Mutex
	w          io.Writer
	namespace  string
	dimensions map[string]string
}

// NewWriter returns a writer of records in namespace with the given common
// dimensions.
func NewWriter(w io.Writer, namespace string, dimensions map[string]string) *Writer {
	return &Writer{w: w, namespace: namespace, dimensions: maps.Clone(dimensions)}
}

// directive is the "_aws" metadata member.
type directive struct {
	Timestamp         int64             `json:"Timestamp"`
	CloudWatchMetrics []metricDirective `json:"CloudWatchMetrics"`
}

type metricDirective struct {
	Namespace  string             `json:"Namespace"`
	Dimensions [][]string         `json:"Dimensions"`
	Metrics    []metricDefinition `json:"Metrics"`
}

type metricDefinition struct {
	Name string `json:"Name"`
	Unit Unit   `json:"Unit"`
}

// Emit writes one record at time at with the common dimensions plus extra,
// holding metrics. Metrics without values are left out; a record with none
// is not written. Metrics with more than 100 values are split over records.
func (w *Writer) Emit(at time.Time, extra map[string]string, metrics ...Metric) error {
	for {
		var batch, rest []Metric
		for _, m := range metrics {
			switch {
			case len(m.Values) == 0:
			case len(m.Values) > maxValues:
				batch = append(batch, Metric{Name: m.Name, Unit: m.Unit, Values: m.Values[:maxValues]})
				rest = append(rest, Metric{Name: m.Name, Unit: m.Unit, Values: m.Values[maxValues:]})
			default:
				batch = append(batch, m)
			}
		}
		if len(batch) == 0 {
			return nil
		}
		if err := w.emit(at, extra, batch); err != nil {
			return err
		}
		metrics = rest
	}
}

func (w *Writer) emit(at time.Time, extra map[string]string, metrics []Metric) error {
	dims := maps.Clone(w.dimensions)
	if dims == nil {
		dims = map[string]string{}
	}
	maps.Copy(dims, extra)
	record := map[string]any{}
	for k, v := range dims {
		record[k] = v
	}
	definitions := make([]metricDefinition, 0, len(metrics))
	for _, m := range metrics {
		if _, clash := record[m.Name]; clash || m.Name == "_aws" {
			return fmt.Errorf("emit metric %s: name clashes with a dimension", m.Name)
		}
		definitions = append(definitions, metricDefinition{Name: m.Name, Unit: m.Unit})
		if len(m.Values) == 1 {
			record[m.Name] = m.Values[0]
		} else {
			record[m.Name] = m.Values
		}
	}
	record["_aws"] = directive{
		Timestamp: at.UnixMilli(),
		CloudWatchMetrics: []metricDirective{{
			Namespace:  w.namespace,
			Dimensions: [][]string{slices.Sorted(maps.Keys(dims))},
			Metrics:    definitions,
		}},
	}
	line, err := json.Marshal(record)
	if err != nil {
		return fmt.Errorf("encode metric record in %s: %w", w.namespace, err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.w.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("write metric record in %s: %w", w.namespace, err)
	}
	return nil
}
