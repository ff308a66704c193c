package io.trailwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailwarden.event.Corpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trailwarden run --local} in this process, on its own embedded cluster, as a user runs it. */
class RunLocalITCase {
    @TempDir
    Path dir;

    @Test
    void theBundledSampleGivesTheCatalogueFindings() {
        CliRun run = CliRun.of("run", "--local", "--web-ui-port", "0");

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).containsPattern("Flink web UI: http://localhost:\\d{2,5} ");
        assertThat(run.out).contains(
                "FINDING HIGH  iam-user-created  tw-",
                "FINDING CRITICAL  backdoor-admin-user  tw-",
                "  principal IAMUser arn:aws:iam::229654561268:user/christophe  access key AKIAOZUDECYXYM4ONAN4",
                "  target    IAM_USER malicious-iam-user  arn:aws:iam::229654561268:user/malicious-iam-user"
                        + "  account 229654561268",
                "    1. 2024-08-01T13:33:28Z  CreateUser  iam.amazonaws.com\n",
                "       from 075.050.255.67  region ap-isob-central-3r",
                "    CONTAIN IAM_USER malicious-iam-user  arn:aws:iam::229654561268:user/malicious-iam-user"
                        + "  account 229654561268  (dry-run)",
                // the sample's stolen instance credentials, used from the address of the user who stole them
                "FINDING HIGH  instance-credentials-from-user-address  tw-",
                "11 findings\ndead letters: none");
        assertThat(run.out.lines().filter(line -> line.startsWith("FINDING"))).hasSize(11);
    }

    @Test
    void hostileNamesAreEscapedAndBadLinesSummarised() throws Exception {
        ObjectNode createUser = Corpus.first(event -> event.get("eventName").asText().equals("CreateUser"));
        String hostileName = "ops\u001b[2J\u001b[32m\nFINDING none";
        ((ObjectNode) createUser.get("requestParameters")).put("userName", hostileName);
        ((ObjectNode) createUser.get("responseElements").get("user")).remove("arn");
        Path input = dir.resolve("trail.jsonl");
        // The record twice (a re-delivery), a cut-short line between.
        Files.writeString(input, createUser + "\n{\"eventID\": \"cut-short\n" + createUser + "\n",
                StandardCharsets.UTF_8);

        CliRun run = CliRun.of("run", "--local", "--web-ui-port", "0", "--parallelism", "1",
                "--input", input.toString());

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).doesNotContain("\u001b").contains(
                "  target    IAM_USER ops\\u001B[2J\\u001B[32m\\u000AFINDING none  account 229654561268",
                "1 finding\ndead letters: 1 (parse: 1)",
                "  parse  " + new org.apache.flink.core.fs.Path(input.toUri()) + ":2  malformed JSON");
        assertThat(run.out.lines().filter(line -> line.startsWith("FINDING"))).hasSize(1);
    }
}
