// Package statebackend creates what the MediGuard stacks keep their Pulumi
// state and secrets in: a hardened S3 state bucket (a PhiBucket without object
// lock, since Pulumi rewrites its checkpoints) encrypted with its own KMS key,
// and a KMS key used only as the stacks' Pulumi secrets provider (awskms://).
//
// It is the program body of the bootstrap Pulumi project in the parent
// directory, and is tested offline with internal/recorder like the platform
// components. docs/operating.md explains why the bootstrap is a Pulumi
// project and how its own state moves into the bucket it creates.
package statebackend
