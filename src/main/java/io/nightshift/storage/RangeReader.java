package io.nightshift.storage;

import java.io.Closeable;
import java.io.IOException;

/** Positional reads of one file; S3 implementations issue ranged GETs and re-issue them on a connection reset. */
public interface RangeReader extends Closeable {

    /** Length of the file in bytes. */
    long length();

    /** The version being read (see {@link StorageFile#version()}); every read returns bytes of this version. */
    String version();

    /** Reads exactly {@code length} bytes starting at {@code position}; throws {@link java.io.EOFException} past the end. */
    void readFully(long position, byte[] buffer, int offset, int length) throws IOException;
}
