// Command capi is built with -buildmode=c-shared into libstore.so: the C API
// of include/store.h over package store. It only translates: arguments in,
// statuses and buffers out. Behaviour a Go user would also need lives in
// package store.
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include -DSTORE_TYPES_ONLY -Wall
#include "store.h"
*/
import "C"

func main() {}

//export store_abi_version
func store_abi_version() C.uint32_t { return C.STORE_ABI_VERSION }
