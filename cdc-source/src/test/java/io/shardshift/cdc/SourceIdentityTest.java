package io.shardshift.cdc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SourceIdentityTest {

    @Test
    void shouldReadBackWhatItStores() {
        SourceIdentity id = new SourceIdentity(-7312345678901234567L, 3, 150019);

        assertThat(SourceIdentity.decode(id.encode())).contains(id);
    }

    @Test
    void shouldReadNothingFromAnythingElse() {
        assertThat(SourceIdentity.decode(null)).isEmpty();
        assertThat(SourceIdentity.decode("timeline=2")).isEmpty();
    }

    @Test
    void shouldKnowWhichVersionsKeepSlotsAcrossAFailover() {
        assertThat(new SourceIdentity(1, 1, 150019).supportsFailoverSlots()).isFalse();
        assertThat(new SourceIdentity(1, 1, 170002).supportsFailoverSlots()).isTrue();
    }
}
