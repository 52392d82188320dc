package io.shardshift.client.internal;

import java.nio.charset.StandardCharsets;

/**
 * MurmurHash3 x86 32-bit over the UTF-8 bytes of a string: a copy of core's {@code Murmur3}, so the
 * client library needs no other Shardshift module. A test checks both agree; never change one alone.
 */
public final class Murmur3 {
    private static final int C1 = 0xcc9e2d51;
    private static final int C2 = 0x1b873593;

    private Murmur3() {
    }

    /** Hashes the UTF-8 bytes of {@code text} with the given seed. */
    public static int hash32(String text, int seed) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        int h = seed;
        int roundedEnd = data.length & ~3;
        for (int i = 0; i < roundedEnd; i += 4) {
            int k = (data[i] & 0xff) | ((data[i + 1] & 0xff) << 8) | ((data[i + 2] & 0xff) << 16) | (data[i + 3] << 24);
            h ^= mixK(k);
            h = Integer.rotateLeft(h, 13);
            h = h * 5 + 0xe6546b64;
        }
        int k = 0;
        switch (data.length & 3) {
            case 3:
                k = (data[roundedEnd + 2] & 0xff) << 16;
                // fall through
            case 2:
                k |= (data[roundedEnd + 1] & 0xff) << 8;
                // fall through
            case 1:
                k |= data[roundedEnd] & 0xff;
                h ^= mixK(k);
                break;
            default:
                break;
        }
        h ^= data.length;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    private static int mixK(int k) {
        k *= C1;
        k = Integer.rotateLeft(k, 15);
        return k * C2;
    }
}
