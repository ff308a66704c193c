package io.trailwarden.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * How replay writes findings: a line per finding for people, one JSON object per line for tools, or a
 * page for people ({@link HtmlReport}). The job renders each finding in the output's {@link #form}; the
 * output writes what it receives.
 */
interface FindingOutput extends Closeable {
    /** The form the job renders findings in for this output. */
    FindingForm form();

    void write(RenderedFinding finding);

    /** After the last finding of a replay that ran to its end: what the output says about the whole. */
    default void finish(long eventsRead, DeadLetterSummary deadLetters) throws IOException {}

    @Override
    default void close() throws IOException {}

    /** One finding document (finding.schema.json) per line. */
    final class JsonLines implements FindingOutput {
        private final PrintWriter out;

        JsonLines(PrintWriter out) {
            this.out = out;
        }

        @Override
        public FindingForm form() {
            return FindingForm.JSON_LINE;
        }

        @Override
        public void write(RenderedFinding finding) {
            out.println(finding.text);
        }
    }

    /** One line per finding, under a header; every value from a record went through {@code SafeText.safe}. */
    final class Table implements FindingOutput {
        private final PrintWriter out;
        private boolean headerWritten;

        Table(PrintWriter out) {
            this.out = out;
        }

        @Override
        public FindingForm form() {
            return FindingForm.TABLE_LINE;
        }

        @Override
        public void write(RenderedFinding finding) {
            if (!headerWritten) {
                out.println(FindingForm.TABLE_HEADER);
                headerWritten = true;
            }
            out.println(finding.text);
            out.flush();
        }
    }
}
