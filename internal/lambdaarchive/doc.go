// Package lambdaarchive builds Go Lambda handlers into deployment packages that
// are byte-for-byte reproducible.
//
// Pulumi decides whether a function's code changed by hashing its archive, so
// an archive that differs on every build (build IDs, VCS stamps, absolute paths,
// zip timestamps and modes) turns every preview into a spurious update. Build
// cross-compiles the handler for the provided.al2023 arm64 runtime with every
// source of variation pinned, and writes a single-entry zip with a fixed time
// and mode, so the same source and toolchain always give the same bytes.
package lambdaarchive
