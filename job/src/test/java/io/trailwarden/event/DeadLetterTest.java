package io.trailwarden.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

    @Test
    void rawTextIsCutAndItsLengthKept() {
        String raw = "x".repeat(10_000);

        DeadLetter letter = DeadLetter.of("parse", "record too large", "f:1", raw);

        assertThat(letter.raw).isEqualTo(raw.substring(0, DeadLetter.MAX_RAW_CHARS));
        assertThat(letter.rawLength).isEqualTo(10_000);
    }

    @Test
    void rawBytesAreDecodedOnlyAsFarAsKeptAndCountedInBytes() {
        byte[] raw = "é".repeat(10_000).getBytes(StandardCharsets.UTF_8);

        DeadLetter letter = DeadLetter.ofBytes("parse", "r", "f", raw, 0, raw.length);

        assertThat(letter.raw).isEqualTo("é".repeat(DeadLetter.MAX_RAW_CHARS));
        assertThat(letter.rawLength).isEqualTo(20_000);
    }

    @Test
    void invalidUtf8BecomesReplacementCharacters() {
        byte[] raw = {'{', (byte) 0xff, (byte) 0xfe, '}'};

        DeadLetter letter = DeadLetter.ofBytes("parse", "r", "f", raw, 0, raw.length);

        assertThat(letter.raw).isEqualTo("{\ufffd\ufffd}");
        assertThat(letter.rawLength).isEqualTo(4);
    }

    @Test
    void aSliceIsTakenFromItsOffset() {
        byte[] raw = "aaaa{\"x\":1}bbbb".getBytes(StandardCharsets.UTF_8);

        DeadLetter letter = DeadLetter.ofBytes("parse", "r", "f", raw, 4, 7);

        assertThat(letter.raw).isEqualTo("{\"x\":1}");
        assertThat(letter.rawLength).isEqualTo(7);
    }
}
