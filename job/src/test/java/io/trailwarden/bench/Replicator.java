package io.trailwarden.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.event.CloudTrailParser;
import io.trailwarden.event.Corpus;
import io.trailwarden.event.EventJson;
import io.trailwarden.source.RawInput;
import io.trailwarden.testing.BenignWorkload;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A benchmark input of any size from a timeline of template records: copy k of the timeline is moved
 * k spans later, every record gets a fresh eventID, and the last copy ends before now (the parser
 * refuses records dated ahead of processing time, and a million events span years). Each template is
 * kept split around its eventID and eventTime values, so that a record costs a few string
 * concatenations to generate.
 *
 * <p>Two timelines: {@link #fromCorpus} (the 312 Stratus records, every one an attack step) and
 * {@link #mixed} (benign traffic with the corpus inside it as incidents, 1.5 % of the records).
 */
final class Replicator implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Gaps between detonations are cut to this; a copy's span ends this long after its last record. */
    static final Duration MAX_GAP = Duration.ofHours(1);
    /**
     * Benign records per corpus timeline in {@link #mixed}: the 312 corpus records are 1.5 % of a
     * copy, a day of a small account's traffic with every technique detonated in it.
     */
    static final int BENIGN_PER_CORPUS = 20_000;
    private static final long BENIGN_SEED = 12;
    private static final Instant BENIGN_START = Instant.parse("2024-07-01T00:00:00Z");
    private static final String ID_MARK = "@@ID@@";
    private static final String TIME_MARK = "@@TIME@@";
    private static final long DAY_MILLIS = Duration.ofDays(1).toMillis();

    private final byte[][] beforeFirst;
    private final byte[][] betweenMarks;
    private final byte[][] afterSecond;
    private final boolean[] idFirst;
    private final boolean[] attack;
    private final long[] offsetMillis;
    private final long copySpanMillis;
    private final long startMillis;
    /** The copy whose id prefix is kept; each subtask has its own deserialized instance. */
    private transient long idCopy;
    private transient String idPrefix;
    private transient long dateDay;
    private transient String dateText;

    /** A template record, its event time as the parser reads it, and whether it is an attack step. */
    static final class Template {
        final ObjectNode record;
        long timeMillis;
        final boolean attack;

        private Template(ObjectNode record, long timeMillis, boolean attack) {
            this.record = record;
            this.timeMillis = timeMillis;
            this.attack = attack;
        }
    }

    /** {@code timeline} sorted by time, replicated to at least {@code events} records. */
    private Replicator(List<Template> timeline, long events) {
        int n = timeline.size();
        beforeFirst = new byte[n][];
        betweenMarks = new byte[n][];
        afterSecond = new byte[n][];
        idFirst = new boolean[n];
        attack = new boolean[n];
        offsetMillis = new long[n];
        long first = timeline.get(0).timeMillis;
        for (int i = 0; i < n; i++) {
            Template template = timeline.get(i);
            ObjectNode record = template.record.deepCopy();
            record.put("eventID", ID_MARK);
            record.put("eventTime", TIME_MARK);
            String text = record.toString();
            int id = text.indexOf(ID_MARK);
            int time = text.indexOf(TIME_MARK);
            idFirst[i] = id < time;
            int firstMark = Math.min(id, time);
            int secondMark = Math.max(id, time);
            beforeFirst[i] = utf8(text.substring(0, firstMark));
            betweenMarks[i] = utf8(text.substring(firstMark + (idFirst[i] ? ID_MARK : TIME_MARK).length(), secondMark));
            afterSecond[i] = utf8(text.substring(secondMark + (idFirst[i] ? TIME_MARK : ID_MARK).length()));
            attack[i] = template.attack;
            offsetMillis[i] = template.timeMillis - first;
        }
        copySpanMillis = offsetMillis[n - 1] + MAX_GAP.toMillis();
        long copies = (events + n - 1) / n;
        startMillis = Math.min(first, System.currentTimeMillis() - (copies + 1) * copySpanMillis);
    }

    /**
     * The 312 corpus records sorted by time, with gaps between detonations shortened to an hour
     * (timings inside a detonation unchanged, so sequences stay realistic).
     */
    static Replicator fromCorpus(long events) {
        return new Replicator(corpusTimeline(), events);
    }

    /**
     * About {@value #BENIGN_PER_CORPUS} records of {@link BenignWorkload} (one account's working days:
     * console browsing, Terraform, CloudFormation, key rotation, SSO sign-ins, helpdesk resets,
     * applications) with the corpus timeline of {@link #fromCorpus} placed in their middle, its records
     * interleaved with the benign ones by time.
     */
    static Replicator mixed(long events) {
        CloudTrailParser parser = new CloudTrailParser();
        List<Template> timeline = new ArrayList<>();
        for (String text : BenignWorkload.generate(BENIGN_PER_CORPUS, BENIGN_SEED, BENIGN_START)) {
            timeline.add(template(parser, text, false));
        }
        timeline.sort(Comparator.comparingLong(template -> template.timeMillis));
        List<Template> corpus = corpusTimeline();
        long benignMiddle = (timeline.get(0).timeMillis + timeline.get(timeline.size() - 1).timeMillis) / 2;
        long corpusMiddle = (corpus.get(0).timeMillis + corpus.get(corpus.size() - 1).timeMillis) / 2;
        for (Template template : corpus) {
            template.timeMillis += benignMiddle - corpusMiddle;
            timeline.add(template);
        }
        timeline.sort(Comparator.comparingLong(template -> template.timeMillis));
        return new Replicator(timeline, events);
    }

    private static List<Template> corpusTimeline() {
        CloudTrailParser parser = new CloudTrailParser();
        List<Template> timeline = new ArrayList<>();
        for (String text : Corpus.records()) {
            timeline.add(template(parser, text, true));
        }
        timeline.sort(Comparator.comparingLong(template -> template.timeMillis));
        long cut = 0;
        long previous = timeline.get(0).timeMillis;
        for (Template template : timeline) {
            long original = template.timeMillis;
            cut += Math.max(0, original - previous - MAX_GAP.toMillis());
            previous = original;
            template.timeMillis = original - cut;
        }
        return timeline;
    }

    /** Times as the parser reads them: the corpus writes eventTime in more than one format. */
    private static Template template(CloudTrailParser parser, String text, boolean attack) {
        long time = parser.parseAll(RawInput.of("template", text)).events.get(0).eventTimeMillis;
        return new Template((ObjectNode) EventJson.readTree(text), time, attack);
    }

    /** Template records in one copy of the timeline. */
    int size() {
        return beforeFirst.length;
    }

    /** Attack records among records {@code 0 .. events - 1}. */
    long attacksIn(long events) {
        int n = size();
        long perCopy = 0;
        long inLastCopy = 0;
        for (int i = 0; i < n; i++) {
            if (attack[i]) {
                perCopy++;
                inLastCopy += i < events % n ? 1 : 0;
            }
        }
        return events / n * perCopy + inLastCopy;
    }

    /** The event time that {@code records} consecutive records of the replicated timeline cover, on average. */
    Duration eventTimeOf(long records) {
        return Duration.ofMillis(copySpanMillis * records / size());
    }

    /**
     * Record {@code index} of the replicated timeline, in UTF-8: template {@code index mod size()} of copy
     * {@code index / size()}.
     */
    byte[] record(long index) {
        int n = beforeFirst.length;
        int i = (int) (index % n);
        long copy = index / n;
        if (copy != idCopy || idPrefix == null) {
            idCopy = copy;
            idPrefix = "bench-" + copy + "-";
        }
        byte[] id = utf8(idPrefix + i);
        byte[] time = utf8(eventTime(timeOf(index)));
        byte[] first = idFirst[i] ? id : time;
        byte[] second = idFirst[i] ? time : id;
        byte[] record = new byte[beforeFirst[i].length + first.length + betweenMarks[i].length + second.length
                + afterSecond[i].length];
        int at = append(beforeFirst[i], record, 0);
        at = append(first, record, at);
        at = append(betweenMarks[i], record, at);
        at = append(second, record, at);
        append(afterSecond[i], record, at);
        return record;
    }

    private static int append(byte[] part, byte[] record, int at) {
        System.arraycopy(part, 0, record, at, part.length);
        return at + part.length;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The event time of record {@code index}. */
    long timeOf(long index) {
        int n = beforeFirst.length;
        return startMillis + index / n * copySpanMillis + offsetMillis[(int) (index % n)];
    }

    /**
     * {@code Instant.toString} of the time, with the date reused while it stays the same: formatting an
     * Instant was a tenth of the parse-only pipeline's time, which the benchmark means to spend parsing.
     */
    String eventTime(long millis) {
        long day = Math.floorDiv(millis, DAY_MILLIS);
        if (day != dateDay || dateText == null) {
            dateDay = day;
            dateText = LocalDate.ofEpochDay(day) + "T";
        }
        int ofDay = (int) Math.floorMod(millis, DAY_MILLIS);
        StringBuilder text = new StringBuilder(24).append(dateText);
        twoDigits(text, ofDay / 3_600_000).append(':');
        twoDigits(text, ofDay / 60_000 % 60).append(':');
        twoDigits(text, ofDay / 1_000 % 60);
        int milli = ofDay % 1_000;
        if (milli != 0) {
            text.append('.').append((char) ('0' + milli / 100));
            twoDigits(text, milli % 100);
        }
        return text.append('Z').toString();
    }

    private static StringBuilder twoDigits(StringBuilder text, int value) {
        return text.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }
}
