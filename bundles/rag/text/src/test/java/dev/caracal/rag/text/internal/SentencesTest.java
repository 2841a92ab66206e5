package dev.caracal.rag.text.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SentencesTest {

    private static List<String> sentences(String text) {
        return Sentences.split(text, 0, text.length()).stream()
                .map(s -> text.substring(s[0], s[1]))
                .toList();
    }

    /** A text and the sentences it splits into. */
    static Stream<Arguments> texts() {
        return Stream.of(
                // after terminal punctuation followed by space
                split("  One. Two!\nThree?!   Four... Five  ", "One.", "Two!", "Three?!", "Four...", "Five"),
                // titles and initials are not sentence ends
                split(
                        "Dr. Smith and Mrs. Jones met Prof. J. R. Tolkien in St. Andrews. It rained.",
                        "Dr. Smith and Mrs. Jones met Prof. J. R. Tolkien in St. Andrews.",
                        "It rained."),
                split(
                        "Coffman, E. G. and Wood, R. C. wrote it. Done.",
                        "Coffman, E. G. and Wood, R. C. wrote it.",
                        "Done."),
                // neither are Latin and dotted abbreviations
                split(
                        "The U.S. Army uses radios, e.g. VHF sets, i.e. short range ones. Then more.",
                        "The U.S. Army uses radios, e.g. VHF sets, i.e. short range ones.",
                        "Then more."),
                split("See Fig. 3 and No. 5 (cf. Eq. 2). Fine.", "See Fig. 3 and No. 5 (cf. Eq. 2).", "Fine."),
                split("He said no. Then left.", "He said no.", "Then left."),
                // a lower-case continuation and numbers do not split
                split(
                        "Version 3.14 is out at 5 p.m. today and ca. ten users care. Good.",
                        "Version 3.14 is out at 5 p.m. today and ca. ten users care.",
                        "Good."),
                // closing quotes and brackets stay with their sentence
                split(
                        "He said \"stop.\" (It was late.) “Fine.” Next",
                        "He said \"stop.\"",
                        "(It was late.)",
                        "“Fine.”",
                        "Next"));
    }

    private static Arguments split(String text, String... sentences) {
        return Arguments.of(text, List.of(sentences));
    }

    @ParameterizedTest
    @MethodSource("texts")
    void splitsIntoSentences(String text, List<String> expected) {
        assertEquals(expected, sentences(text));
    }

    @Test
    void spansAreRelativeToTheWholeText() {
        String text = "xx First one. Second one. yy";
        List<int[]> spans = Sentences.split(text, 3, 25);
        assertEquals(2, spans.size());
        assertEquals("First one.", text.substring(spans.get(0)[0], spans.get(0)[1]));
        assertEquals("Second one.", text.substring(spans.get(1)[0], spans.get(1)[1]));
    }
}
