package io.shardshift.core.layout;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Murmur3Test {

    @Test
    void shouldMatchReferenceVectorsOfMurmurHash3X86_32() {
        // Vectors from the reference implementation (smhasher), seed 0.
        assertThat(Murmur3.hash32("", 0)).isEqualTo(0);
        assertThat(Murmur3.hash32("hello", 0)).isEqualTo(0x248bfa47);
        assertThat(Murmur3.hash32("The quick brown fox jumps over the lazy dog", 0)).isEqualTo(0x2e4ff723);
    }

    @Test
    void shouldHashTailLengthsOneToThreeDifferently() {
        assertThat(Murmur3.hash32("a", 0)).isNotEqualTo(Murmur3.hash32("ab", 0));
        assertThat(Murmur3.hash32("ab", 0)).isNotEqualTo(Murmur3.hash32("abc", 0));
    }
}
