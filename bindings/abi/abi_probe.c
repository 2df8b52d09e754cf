/*
 * ABI probe for jlxcfs's hand-written FFM bindings (bindings/src/main/java/io/jlxcfs/bindings).
 *
 * Compiled by AbiLayoutTest against the installed headers and run; it prints one "key value" line
 * per number the Java layouts use, and the test compares them with the Java side:
 *
 *   header.fuse  <major>.<minor>            the libfuse headers compiled against
 *   sizeof.S / alignof.S                    sizeof / _Alignof(struct S)
 *   offsetof.S.F / fieldsize.S.F            offsetof(struct S, F) / sizeof of that member
 *   bits.fuse_file_info.F                   the 32-bit word at offset 4 of a zeroed fuse_file_info
 *                                           after setting bit field F to 1 (or "absent")
 *
 * Only fields the Java layouts name are listed (the test fails on a name either side lacks), under
 * the Java name where it differs from the C designator (stat.st_atim_sec is st_atim.tv_sec).
 * Build: gcc -std=gnu11 -DFUSE_USE_VERSION=312 -D_FILE_OFFSET_BITS=64 -I/usr/include/fuse3 abi_probe.c
 */
#define _GNU_SOURCE
#include <fuse_lowlevel.h>
#include <linux/cgroupstats.h>
#include <linux/fuse.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>

#define STRUCT(S) \
    printf("sizeof.%s %zu\nalignof.%s %zu\n", #S, sizeof(struct S), #S, (size_t) _Alignof(struct S))
/* FIELD(S, javaName, C designator) */
#define FIELD_AS(S, NAME, F) \
    printf("offsetof.%s.%s %zu\nfieldsize.%s.%s %zu\n", #S, NAME, offsetof(struct S, F), \
           #S, NAME, sizeof(((struct S *) 0)->F))
#define FIELD(S, F) FIELD_AS(S, #F, F)

/* Offset of the 32-bit word holding bit field F: set F to 1 in a zeroed struct and find the
 * first non-zero byte (bit fields have no offsetof). */
#define BITWORD_AS(S, NAME, F) do { \
        struct S s_; unsigned char *b_ = (unsigned char *) &s_; size_t i_ = 0; \
        memset(&s_, 0, sizeof s_); s_.F = 1; \
        while (i_ < sizeof s_ && b_[i_] == 0) i_++; \
        printf("offsetof.%s.%s %zu\nfieldsize.%s.%s 4\n", #S, NAME, i_ & ~(size_t) 3, #S, NAME); \
    } while (0)

/* The word at offset 4 after setting one bit field to 1; -1 if any byte outside 4..7 changed. */
#define FI_BIT(F) do { \
        struct fuse_file_info fi_; unsigned char *b_ = (unsigned char *) &fi_; unsigned w_; \
        long r_; size_t i_; \
        memset(&fi_, 0, sizeof fi_); fi_.F = 1; \
        memcpy(&w_, b_ + 4, 4); r_ = (long) w_; \
        for (i_ = 0; i_ < sizeof fi_; i_++) if ((i_ < 4 || i_ > 7) && b_[i_] != 0) r_ = -1; \
        printf("bits.fuse_file_info.%s %ld\n", #F, r_); \
    } while (0)
#define FI_ABSENT(F) printf("bits.fuse_file_info.%s absent\n", #F)

static void fuse_structs(void)
{
    printf("header.fuse %d.%d\n", FUSE_MAJOR_VERSION, FUSE_MINOR_VERSION);

    STRUCT(fuse_lowlevel_ops);
    FIELD(fuse_lowlevel_ops, init); FIELD(fuse_lowlevel_ops, destroy); FIELD(fuse_lowlevel_ops, lookup);
    FIELD(fuse_lowlevel_ops, forget); FIELD(fuse_lowlevel_ops, getattr); FIELD(fuse_lowlevel_ops, setattr);
    FIELD(fuse_lowlevel_ops, readlink); FIELD(fuse_lowlevel_ops, mknod); FIELD(fuse_lowlevel_ops, mkdir);
    FIELD(fuse_lowlevel_ops, unlink); FIELD(fuse_lowlevel_ops, rmdir); FIELD(fuse_lowlevel_ops, symlink);
    FIELD(fuse_lowlevel_ops, rename); FIELD(fuse_lowlevel_ops, link); FIELD(fuse_lowlevel_ops, open);
    FIELD(fuse_lowlevel_ops, read); FIELD(fuse_lowlevel_ops, write); FIELD(fuse_lowlevel_ops, flush);
    FIELD(fuse_lowlevel_ops, release); FIELD(fuse_lowlevel_ops, fsync); FIELD(fuse_lowlevel_ops, opendir);
    FIELD(fuse_lowlevel_ops, readdir); FIELD(fuse_lowlevel_ops, releasedir); FIELD(fuse_lowlevel_ops, fsyncdir);
    FIELD(fuse_lowlevel_ops, statfs); FIELD(fuse_lowlevel_ops, setxattr); FIELD(fuse_lowlevel_ops, getxattr);
    FIELD(fuse_lowlevel_ops, listxattr); FIELD(fuse_lowlevel_ops, removexattr); FIELD(fuse_lowlevel_ops, access);
    FIELD(fuse_lowlevel_ops, create); FIELD(fuse_lowlevel_ops, getlk); FIELD(fuse_lowlevel_ops, setlk);
    FIELD(fuse_lowlevel_ops, bmap); FIELD(fuse_lowlevel_ops, ioctl); FIELD(fuse_lowlevel_ops, poll);
    FIELD(fuse_lowlevel_ops, write_buf); FIELD(fuse_lowlevel_ops, retrieve_reply);
    FIELD(fuse_lowlevel_ops, forget_multi); FIELD(fuse_lowlevel_ops, flock); FIELD(fuse_lowlevel_ops, fallocate);
    FIELD(fuse_lowlevel_ops, readdirplus); FIELD(fuse_lowlevel_ops, copy_file_range); FIELD(fuse_lowlevel_ops, lseek);

    STRUCT(fuse_file_info);
    FIELD(fuse_file_info, flags);
    BITWORD_AS(fuse_file_info, "bits", direct_io);
    BITWORD_AS(fuse_file_info, "padding2", padding2);
    FIELD(fuse_file_info, fh); FIELD(fuse_file_info, lock_owner); FIELD(fuse_file_info, poll_events);
    FI_BIT(writepage); FI_BIT(direct_io); FI_BIT(keep_cache); FI_BIT(flush); FI_BIT(nonseekable);
    FI_BIT(flock_release); FI_BIT(cache_readdir); FI_BIT(noflush);
#if FUSE_MAJOR_VERSION == 3 && FUSE_MINOR_VERSION == 14
    /* 3.14.0 has no parallel_direct_writes, 3.14.1+ do, and no macro tells the two apart. */
    FI_ABSENT(parallel_direct_writes);
#else
    FI_BIT(parallel_direct_writes);
#endif

    STRUCT(fuse_entry_param);
    FIELD(fuse_entry_param, ino); FIELD(fuse_entry_param, generation); FIELD(fuse_entry_param, attr);
    FIELD(fuse_entry_param, attr_timeout); FIELD(fuse_entry_param, entry_timeout);

    STRUCT(fuse_ctx);
    FIELD(fuse_ctx, uid); FIELD(fuse_ctx, gid); FIELD(fuse_ctx, pid); FIELD(fuse_ctx, umask);
    STRUCT(fuse_buf);
    FIELD(fuse_buf, size); FIELD(fuse_buf, flags); FIELD(fuse_buf, mem); FIELD(fuse_buf, fd); FIELD(fuse_buf, pos);

    STRUCT(fuse_conn_info);
    FIELD(fuse_conn_info, proto_major); FIELD(fuse_conn_info, proto_minor); FIELD(fuse_conn_info, max_write);
    FIELD(fuse_conn_info, max_read); FIELD(fuse_conn_info, max_readahead); FIELD(fuse_conn_info, capable);
    FIELD(fuse_conn_info, want); FIELD(fuse_conn_info, max_background);
    FIELD(fuse_conn_info, congestion_threshold); FIELD(fuse_conn_info, time_gran);
#if FUSE_MAJOR_VERSION == 3 && FUSE_MINOR_VERSION < 17
    FIELD(fuse_conn_info, reserved);
#else
    /* 3.17+ put new fields where reserved began; Java's "reserved" names that tail (88 bytes). */
    printf("offsetof.fuse_conn_info.reserved %zu\nfieldsize.fuse_conn_info.reserved %zu\n",
           offsetof(struct fuse_conn_info, max_backing_stack_depth),
           sizeof(struct fuse_conn_info) - offsetof(struct fuse_conn_info, max_backing_stack_depth));
#endif

    STRUCT(fuse_args);
    FIELD(fuse_args, argc); FIELD(fuse_args, argv); FIELD(fuse_args, allocated);

    STRUCT(fuse_custom_io);
    FIELD(fuse_custom_io, writev); FIELD(fuse_custom_io, read);
    FIELD(fuse_custom_io, splice_receive); FIELD(fuse_custom_io, splice_send);
}

static void kernel_structs(void)
{
    STRUCT(fuse_in_header);
    FIELD(fuse_in_header, len); FIELD(fuse_in_header, opcode); FIELD(fuse_in_header, unique);
    FIELD(fuse_in_header, nodeid); FIELD(fuse_in_header, uid); FIELD(fuse_in_header, gid);
    FIELD(fuse_in_header, pid);
#if FUSE_KERNEL_MINOR_VERSION >= 38
    FIELD(fuse_in_header, total_extlen); FIELD(fuse_in_header, padding);
#else
    /* Headers older than protocol 7.38 have one u32 padding at 36 instead. */
    printf("offsetof.fuse_in_header.total_extlen absent\noffsetof.fuse_in_header.padding absent\n");
    printf("fieldsize.fuse_in_header.total_extlen absent\nfieldsize.fuse_in_header.padding absent\n");
#endif

    STRUCT(fuse_out_header);
    FIELD(fuse_out_header, len); FIELD(fuse_out_header, error); FIELD(fuse_out_header, unique);
}

static void libc_structs(void)
{
    STRUCT(stat);
    FIELD(stat, st_dev); FIELD(stat, st_ino); FIELD(stat, st_nlink); FIELD(stat, st_mode);
    FIELD(stat, st_uid); FIELD(stat, st_gid); FIELD(stat, st_rdev); FIELD(stat, st_size);
    FIELD(stat, st_blksize); FIELD(stat, st_blocks);
    FIELD_AS(stat, "st_atim_sec", st_atim.tv_sec); FIELD_AS(stat, "st_atim_nsec", st_atim.tv_nsec);
    FIELD_AS(stat, "st_mtim_sec", st_mtim.tv_sec); FIELD_AS(stat, "st_mtim_nsec", st_mtim.tv_nsec);
    FIELD_AS(stat, "st_ctim_sec", st_ctim.tv_sec); FIELD_AS(stat, "st_ctim_nsec", st_ctim.tv_nsec);

    STRUCT(statvfs);
    FIELD(statvfs, f_bsize); FIELD(statvfs, f_frsize); FIELD(statvfs, f_blocks); FIELD(statvfs, f_bfree);
    FIELD(statvfs, f_bavail); FIELD(statvfs, f_files); FIELD(statvfs, f_ffree); FIELD(statvfs, f_favail);
    FIELD(statvfs, f_fsid); FIELD(statvfs, f_flag); FIELD(statvfs, f_namemax);

    STRUCT(iovec);
    FIELD(iovec, iov_base); FIELD(iovec, iov_len);

    STRUCT(pollfd);
    FIELD(pollfd, fd); FIELD(pollfd, events); FIELD(pollfd, revents);

    STRUCT(epoll_event);
    FIELD(epoll_event, events); FIELD(epoll_event, data);

    STRUCT(msghdr);
    FIELD(msghdr, msg_name); FIELD(msghdr, msg_namelen); FIELD(msghdr, msg_iov); FIELD(msghdr, msg_iovlen);
    FIELD(msghdr, msg_control); FIELD(msghdr, msg_controllen); FIELD(msghdr, msg_flags);

    STRUCT(cmsghdr);
    FIELD(cmsghdr, cmsg_len); FIELD(cmsghdr, cmsg_level); FIELD(cmsghdr, cmsg_type);

    STRUCT(inotify_event);
    FIELD(inotify_event, wd); FIELD(inotify_event, mask); FIELD(inotify_event, cookie); FIELD(inotify_event, len);

    STRUCT(fanotify_event_metadata);
    FIELD(fanotify_event_metadata, event_len); FIELD(fanotify_event_metadata, vers);
    FIELD(fanotify_event_metadata, reserved); FIELD(fanotify_event_metadata, metadata_len);
    FIELD(fanotify_event_metadata, mask); FIELD(fanotify_event_metadata, fd); FIELD(fanotify_event_metadata, pid);

    STRUCT(sockaddr_un);
    FIELD(sockaddr_un, sun_family); FIELD(sockaddr_un, sun_path);

    STRUCT(timespec);
    FIELD(timespec, tv_sec); FIELD(timespec, tv_nsec);

    STRUCT(nlmsghdr);
    FIELD(nlmsghdr, nlmsg_len); FIELD(nlmsghdr, nlmsg_type); FIELD(nlmsghdr, nlmsg_flags);
    FIELD(nlmsghdr, nlmsg_seq); FIELD(nlmsghdr, nlmsg_pid);

    STRUCT(genlmsghdr);
    FIELD(genlmsghdr, cmd); FIELD(genlmsghdr, version); FIELD(genlmsghdr, reserved);

    STRUCT(nlattr);
    FIELD(nlattr, nla_len); FIELD(nlattr, nla_type);

    STRUCT(cgroupstats);
    FIELD(cgroupstats, nr_sleeping); FIELD(cgroupstats, nr_running); FIELD(cgroupstats, nr_stopped);
    FIELD(cgroupstats, nr_uninterruptible); FIELD(cgroupstats, nr_io_wait);
}

int main(void)
{
    fuse_structs();
    kernel_structs();
    libc_structs();
    return 0;
}
