package io.trailwarden.finding;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SafeTextTest {
    @Test
    void ansiEscapesAndNewlinesBecomeVisibleEscapes() {
        assertThat(SafeText.safe("evil\u001b[2J\u001b[31mroot\r\nFINDING none"))
                .isEqualTo("evil\\u001B[2J\\u001B[31mroot\\u000D\\u000AFINDING none");
    }

    @Test
    void bidiOverridesAndOtherInvisibleCharactersAreEscaped() {
        assertThat(SafeText.safe("admin\u202Etxt.exe\u200B\u2028\u0085\u007f"))
                .isEqualTo("admin\\u202Etxt.exe\\u200B\\u2028\\u0085\\u007F");
    }

    @Test
    void aLiteralBackslashCannotForgeAnEscape() {
        assertThat(SafeText.safe("a\\u001Bb")).isEqualTo("a\\\\u001Bb");
    }

    @Test
    void printableUnicodeIsKept() {
        assertThat(SafeText.safe("utilisateur-été 用户 \uD83D\uDE00")).isEqualTo("utilisateur-été 用户 \uD83D\uDE00");
    }

    @Test
    void longValuesAreCutAndSaySo() {
        String huge = "A".repeat(5_000_000);

        assertThat(SafeText.safe(huge, 10)).isEqualTo("AAAAAAAAAA...[4999990 more chars]");
    }

    @Test
    void nullIsADash() {
        assertThat(SafeText.safe(null)).isEqualTo("-");
    }

    @Test
    void cuttingNeverSplitsACharacterOutsideTheBasicPlane() {
        String emoji = "\uD83D\uDE00";
        String cut = SafeText.cut("a".repeat(15) + emoji + "tail", 16);
        assertThat(cut).startsWith("a".repeat(15) + "...[6 more chars]");
        assertThat(cut.chars().anyMatch(c -> Character.isSurrogate((char) c))).isFalse();
        assertThat(SafeText.cut("a".repeat(14) + emoji + "tail", 16)).isEqualTo("a".repeat(14) + emoji + "...[4 more chars]");
    }

    @Test
    void htmlIsTheSameVisibleTextWithMarkupAsCharacterReferences() {
        assertThat(SafeText.html("<img src=x onerror=\"alert('1')\">&amp;\u202Egnp.exe\u001b[2J\\u001b", 300))
                .isEqualTo("&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;amp;\\u202Egnp.exe\\u001B[2J"
                        + "\\\\u001b");
        assertThat(SafeText.html(null, 10)).isEqualTo("-");
        assertThat(SafeText.html("<".repeat(50), 3)).isEqualTo("&lt;&lt;&lt;...[47 more chars]");
    }
}
