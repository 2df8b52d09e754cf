/*
 * Umbrella header for `bindings/regenerate` (jextract, package io.jlxcfs.bindings.fuse).
 * libfuse's low-level API as jlxcfs uses it (API level 312, 64-bit off_t), plus the kernel
 * protocol headers (struct fuse_in_header / fuse_out_header) from <linux/fuse.h>.
 */
#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 312
#endif
#ifndef _FILE_OFFSET_BITS
#define _FILE_OFFSET_BITS 64
#endif
#include <fuse_lowlevel.h>
#include <linux/fuse.h>
