package dev.caracal.rag.text.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextDecodingTest {

    @Test
    void validUtf8IsDecodedAsUtf8() {
        TextDecoding.Decoded d = TextDecoding.decode("Größe – 東京 😀".getBytes(StandardCharsets.UTF_8));
        assertEquals("Größe – 東京 😀", d.text());
        assertEquals(StandardCharsets.UTF_8, d.charset());
    }

    @Test
    void utf8ByteOrderMarkIsDropped() {
        byte[] body = "café".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[body.length + 3];
        bytes[0] = (byte) 0xEF;
        bytes[1] = (byte) 0xBB;
        bytes[2] = (byte) 0xBF;
        System.arraycopy(body, 0, bytes, 3, body.length);
        assertEquals("café", TextDecoding.decode(bytes).text());
    }

    @Test
    void utf16ByteOrderMarksAreHonoured() {
        byte[] le = concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, "Zürich\r\nBern".getBytes(StandardCharsets.UTF_16LE));
        byte[] be = concat(new byte[] {(byte) 0xFE, (byte) 0xFF}, "Zürich\r\nBern".getBytes(StandardCharsets.UTF_16BE));
        assertEquals("Zürich\nBern", TextDecoding.decode(le).text());
        assertEquals("Zürich\nBern", TextDecoding.decode(be).text());
    }

    @Test
    void bytesThatAreNotUtf8FallBackToIso88591() {
        byte[] latin1 = "Crème brûlée à la française".getBytes(StandardCharsets.ISO_8859_1);
        TextDecoding.Decoded d = TextDecoding.decode(latin1);
        assertEquals("Crème brûlée à la française", d.text());
        assertEquals(StandardCharsets.ISO_8859_1, d.charset());
    }

    @Test
    void aDeclaredCharsetIsUsedWhenTheBytesAreNotUtf8() {
        Charset cp1252 = Charset.forName("windows-1252");
        byte[] bytes = "“quoted” – €5".getBytes(cp1252);
        assertEquals("“quoted” – €5", TextDecoding.decode(bytes, cp1252).text());
        // valid UTF-8 wins over a wrong declaration
        assertEquals(
                "naïve",
                TextDecoding.decode("naïve".getBytes(StandardCharsets.UTF_8), cp1252)
                        .text());
    }

    @Test
    void lineEndingsAreNormalised() {
        assertEquals("a\nb\nc\n\nd", TextDecoding.normalizeLineEndings("a\r\nb\rc\r\n\r\nd"));
        assertEquals(
                "a\n\nb",
                TextDecoding.decode("a\r\r\nb".getBytes(StandardCharsets.US_ASCII))
                        .text());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
