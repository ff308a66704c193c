package io.trailwarden.source;

import com.fasterxml.jackson.core.JsonFactory;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Cuts one file's content into {@link RawInput} units while streaming it: a JSON-lines file into one
 * unit per line (origin {@code file:line}), any other file into one unit (origin {@code file}). Gzip is
 * recognised by its magic number, not the file name. The layout is decided from the first non-blank
 * line ({@link JsonLayout}), so a large JSON-lines replay is never held in memory whole; when that line
 * is neither a complete value nor a lone bracket, from the two non-blank lines after it as well, so a
 * JSON-lines file whose first line is cut is still read line by line.
 *
 * <p>A file holding a single line is one document (origin {@code file}): a compact
 * {@code {"Records": [...]}} file is exactly that. Blank lines between records become units of their
 * own (the parser dead-letters them); blank lines at the end of a file separate nothing and are not
 * records. No single unit grows beyond {@code maxUnitBytes}: the rest of a longer line or document is
 * skipped, so the unit the parser sees is cut short and becomes a dead letter, not an out-of-memory.
 * Every unit of a CloudTrail delivery file carries the delivery time its name gives
 * ({@link RawInput#deliveryTimeMillis}).
 */
final class FileUnits implements Closeable {
    private static final JsonFactory JSON_FACTORY = new JsonFactory();
    private static final int BUFFER_BYTES = 65_536;
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] NEWLINE = {'\n'};

    private final String origin;
    private final Long deliveryTimeMillis;
    private final InputStream in;
    private final int maxUnitBytes;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int position;
    private int limit;
    private boolean endOfInput;
    private int lineNumber;
    private boolean started;
    private boolean jsonLines;
    private boolean wholeDocument;
    private final ArrayDeque<RawInput> ready = new ArrayDeque<>();
    private int pendingBlankLines;
    private String brokenGzip;
    private final DecompressionBudget budget;
    /** Why the budget refused a unit; the rest of the file is skipped. */
    private String refused;

    FileUnits(String origin, InputStream raw, int maxUnitBytes) throws IOException {
        this(origin, raw, maxUnitBytes, DecompressionBudget.PROCESS);
    }

    FileUnits(String origin, InputStream raw, int maxUnitBytes, DecompressionBudget budget) throws IOException {
        this.origin = origin;
        this.deliveryTimeMillis = DeliveryOrder.deliveryTime(origin).map(Instant::toEpochMilli).orElse(null);
        this.maxUnitBytes = maxUnitBytes;
        this.budget = budget;
        PushbackInputStream peek = new PushbackInputStream(ReadProgress.counting(raw), 2);
        byte[] magic = new byte[2];
        int read = peek.readNBytes(magic, 0, 2);
        peek.unread(magic, 0, read);
        InputStream content = peek;
        if (Gzip.isGzip(magic, 0, read)) {
            try {
                content = new GZIPInputStream(peek, BUFFER_BYTES);
            } catch (ZipException | EOFException e) {
                brokenGzip = Gzip.describe(e);
                endOfInput = true;
            }
        }
        this.in = content;
    }

    /** The next unit, or null at the end of the file. */
    RawInput next() throws IOException {
        if (!started) {
            started = true;
            start();
        }
        while (ready.isEmpty() && jsonLines) {
            byte[] line = readLine();
            if (line == null) {
                jsonLines = false;
                break;
            }
            addLine(line);
        }
        if (ready.isEmpty() && refused != null) {
            ready.add(RawInput.unreadable(wholeDocument || !jsonLinesStarted() ? origin : origin + ":" + (lineNumber + 1),
                    refused + "; the rest of the file is skipped"));
            refused = null;
            brokenGzip = null;
        }
        if (ready.isEmpty() && brokenGzip != null) {
            ready.add(wholeDocument || lineNumber == 0
                    ? RawInput.unreadable(origin, "gzip stream breaks off: " + brokenGzip)
                    : RawInput.unreadable(origin + ":" + (lineNumber + 1),
                            "gzip stream breaks off after line " + lineNumber + ": " + brokenGzip));
            brokenGzip = null;
        }
        return ready.poll();
    }

    private void start() throws IOException {
        byte[] first;
        while (true) {
            first = readLine();
            if (first == null) {
                return;
            }
            lineNumber++;
            if (!isBlank(first)) {
                break;
            }
            pendingBlankLines++;
        }
        int firstLineNumber = lineNumber;
        JsonLayout layout =
                JsonLayout.ofFirstLine(JSON_FACTORY, first, 0, first.length);
        Lookahead ahead = new Lookahead();
        if (layout == JsonLayout.UNDECIDED && !nextTwoLinesAreValues(ahead)) {
            layout = JsonLayout.DOCUMENT;
        }
        if (layout == JsonLayout.DOCUMENT) {
            wholeDocument = true;
            byte[] document = readDocument(pendingBlankLines, first, ahead);
            if (document != null) {
                ready.add(unit(origin, document));
            }
            return;
        }
        if (!ahead.lines.isEmpty()) {
            startLines(firstLineNumber, pendingBlankLines, first);
            pendingBlankLines = 0;
            for (int i = 0; i < ahead.lines.size(); i++) {
                for (int blank = 0; blank < ahead.blankLinesBefore.get(i); blank++) {
                    addLine(EMPTY);
                }
                addLine(ahead.lines.get(i));
            }
            return;
        }
        int blankLinesBeforeFirst = pendingBlankLines;
        pendingBlankLines = 0;
        byte[] second;
        while ((second = readLine()) != null && isBlank(second)) {
            lineNumber++;
            pendingBlankLines++;
        }
        if (second == null) {
            ready.add(unit(origin, first));
            return;
        }
        startLines(firstLineNumber, blankLinesBeforeFirst, first);
        addLine(second);
    }

    /**
     * Reads the lines after an undecided first line up to the second non-blank one, and says whether
     * both are complete JSON values: then the file is JSON lines whose first line is cut or broken
     * ({@link JsonLayout}), and reading it as one document would make its records one unit, refused whole
     * above the budget or cut short. The streaming form of {@link JsonLayout#nextTwoLinesAreValues}.
     */
    private boolean nextTwoLinesAreValues(Lookahead ahead) throws IOException {
        byte[] line;
        while ((line = readLine()) != null) {
            if (isBlank(line)) {
                ahead.blankLines++;
                continue;
            }
            ahead.add(line);
            if (!JsonLayout.isValueLine(JSON_FACTORY, line, 0, line.length)) {
                return false;
            }
            if (ahead.lines.size() == 2) {
                return true;
            }
        }
        return false;
    }

    /** Lines read ahead of the layout decision, each with the blank lines before it counted, not kept. */
    private static final class Lookahead {
        final List<byte[]> lines = new ArrayList<>();
        final List<Integer> blankLinesBefore = new ArrayList<>();
        int blankLines;

        void add(byte[] line) {
            lines.add(line);
            blankLinesBefore.add(blankLines);
            blankLines = 0;
        }
    }

    /** JSON lines from here: the blank lines before the first line, then the first line, each a unit. */
    private void startLines(int firstLineNumber, int blankLinesBefore, byte[] first) {
        jsonLines = true;
        for (int blank = firstLineNumber - blankLinesBefore; blank < firstLineNumber; blank++) {
            ready.add(unit(origin + ":" + blank, EMPTY));
        }
        ready.add(unit(origin + ":" + firstLineNumber, first));
    }

    private void addLine(byte[] line) {
        lineNumber++;
        if (isBlank(line)) {
            pendingBlankLines++;
            return;
        }
        for (int blank = lineNumber - pendingBlankLines; blank < lineNumber; blank++) {
            ready.add(unit(origin + ":" + blank, EMPTY));
        }
        pendingBlankLines = 0;
        ready.add(unit(origin + ":" + lineNumber, line));
    }

    /**
     * The next line without its line break, or null at the end or when the budget refuses it; cut at
     * {@code maxUnitBytes}.
     */
    private byte[] readLine() throws IOException {
        if (!fill()) {
            return null;
        }
        UnitBuffer line = new UnitBuffer(budget, maxUnitBytes);
        while (fill()) {
            int newline = position;
            while (newline < limit && buffer[newline] != '\n') {
                newline++;
            }
            if (!line.append(buffer, position, newline - position)) {
                return refuse(line);
            }
            if (newline < limit) {
                position = newline + 1;
                break;
            }
            position = limit;
        }
        line.dropTrailing((byte) '\r');
        return line.take();
    }

    /** The blank lines, the first line and the rest of the file as one document; null when refused. */
    private byte[] readDocument(int blankLines, byte[] first, Lookahead ahead) throws IOException {
        UnitBuffer document = new UnitBuffer(budget, maxUnitBytes);
        if (!appendLine(document, blankLines, first)) {
            return refuse(document);
        }
        for (int i = 0; i < ahead.lines.size(); i++) {
            if (!appendLine(document, ahead.blankLinesBefore.get(i), ahead.lines.get(i))) {
                return refuse(document);
            }
        }
        if (!appendLine(document, ahead.blankLines, null)) {
            return refuse(document);
        }
        while (fill()) {
            if (!document.append(buffer, position, limit - position)) {
                return refuse(document);
            }
            position = limit;
        }
        return document.take();
    }

    /** {@code blankLines} line breaks, then the line and its line break unless it is null; false when refused. */
    private static boolean appendLine(UnitBuffer document, int blankLines, byte[] line) throws IOException {
        for (int blank = 0; blank < blankLines; blank++) {
            if (!document.append(NEWLINE, 0, 1)) {
                return false;
            }
        }
        return line == null || document.append(line, 0, line.length) && document.append(NEWLINE, 0, 1);
    }

    private RawInput unit(String unitOrigin, byte[] bytes) {
        RawInput unit = RawInput.of(unitOrigin, bytes);
        unit.deliveryTimeMillis = deliveryTimeMillis;
        return unit;
    }

    private byte[] refuse(UnitBuffer unit) {
        refused = unit.refusal();
        unit.discard();
        endOfInput = true;
        position = limit;
        return null;
    }

    private boolean fill() throws IOException {
        while (position == limit && !endOfInput) {
            int read;
            try {
                read = in.read(buffer, 0, buffer.length);
            } catch (ZipException | EOFException e) {
                if (!(in instanceof GZIPInputStream)) {
                    throw e;
                }
                // A truncated or corrupt gzip file is bad input, not a reason to fail the job.
                brokenGzip = Gzip.describe(e);
                read = -1;
            }
            if (read < 0) {
                endOfInput = true;
            } else {
                position = 0;
                limit = read;
            }
        }
        return position < limit;
    }

    private boolean jsonLinesStarted() {
        return lineNumber > 1 || jsonLines;
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (!JsonLayout.isBlank(b)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
