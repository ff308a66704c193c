package io.trailwarden.rules.load;

import io.trailwarden.config.AwsConfig;
import io.trailwarden.config.S3Location;
import io.trailwarden.rules.model.Rule;
import io.trailwarden.source.S3Clients;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Rule files from an {@code s3://bucket/prefix/} location, read once when the job starts, before the
 * job graph exists: the files go through the same loader and validator as a directory's, and errors
 * name {@code s3://bucket/key:line}. Like a directory, only the objects directly under the prefix
 * whose names end in {@code .yaml} or {@code .yml} are rules (not "sub-folders": rules/schema/ is not).
 *
 * <p>Bounded, because the job's start-up reads everything into memory: at most {@link Limits#maxFiles}
 * rule files of at most {@link Limits#maxBytes} each; beyond either the start fails with the reason.
 */
public final class S3RuleSources {
    /** How much a catalogue in S3 may hold, and how many keys one listing call asks for. */
    public static final class Limits {
        public static final Limits DEFAULT = new Limits(1000, 1024 * 1024, 1000);
        final int maxFiles;
        final long maxBytes;
        final int pageSize;

        public Limits(int maxFiles, long maxBytes, int pageSize) {
            this.maxFiles = maxFiles;
            this.maxBytes = maxBytes;
            this.pageSize = pageSize;
        }
    }

    private final S3Client s3;
    private final Limits limits;

    public S3RuleSources(S3Client s3, Limits limits) {
        this.s3 = s3;
        this.limits = limits;
    }

    /** Reads the location with a client of the job's AWS settings ({@code TrailWarden.Aws}). */
    public static List<RuleLoader.Source> read(S3Location location, AwsConfig aws) throws IOException {
        try (S3Client s3 = S3Clients.create(aws, Duration.ofSeconds(20))) {
            return new S3RuleSources(s3, Limits.DEFAULT).read(location);
        }
    }

    public List<RuleLoader.Source> read(S3Location location) throws IOException {
        List<RuleLoader.Source> sources = new ArrayList<>();
        try {
            for (S3Object object : list(location)) {
                sources.add(new RuleLoader.Source(location.uri(object.key()), text(location, object.key())));
            }
        } catch (NoSuchBucketException e) {
            throw new IOException("rule location " + location + ": the bucket '" + location.bucket + "' does not exist", e);
        } catch (NoSuchKeyException e) {
            throw new IOException("rule location " + location + ": a rule file was deleted while the catalogue was"
                    + " read; start again once the upload is complete", e);
        } catch (S3Exception e) {
            String code = e.awsErrorDetails() == null ? "" : " " + e.awsErrorDetails().errorCode();
            String hint = e.statusCode() == 403 ? " (the job's role needs s3:ListBucket on the bucket for this prefix"
                    + " and s3:GetObject on its objects)"
                    : e.statusCode() == 301 ? " (the bucket is not in TrailWarden.Aws.region)" : "";
            throw new IOException("rule location " + location + ": S3 answered " + e.statusCode() + code + hint, e);
        } catch (SdkClientException e) {
            throw new IOException("rule location " + location + ": S3 could not be reached: " + e.getMessage(), e);
        }
        return sources;
    }

    private List<S3Object> list(S3Location location) throws IOException {
        ListObjectsV2Request request = ListObjectsV2Request.builder()
                .bucket(location.bucket)
                .prefix(location.prefix)
                .delimiter("/")
                .maxKeys(limits.pageSize)
                .build();
        List<S3Object> files = new ArrayList<>();
        for (S3Object object : s3.listObjectsV2Paginator(request).contents()) {
            String key = object.key();
            if (!key.endsWith(".yaml") && !key.endsWith(".yml")) {
                continue;
            }
            if (files.size() == limits.maxFiles) {
                throw new IOException("rule location " + location + " holds more than " + limits.maxFiles
                        + " rule files (*.yaml, *.yml), the most a catalogue may have");
            }
            if (object.size() != null && object.size() > limits.maxBytes) {
                throw tooLarge(location.uri(key));
            }
            files.add(object);
        }
        return files;
    }

    private String text(S3Location location, String key) throws IOException {
        byte[] bytes;
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(location.bucket).key(key))) {
            // One byte more than allowed tells a file that grew since the listing from one exactly at the limit.
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE, limits.maxBytes + 1));
            if (bytes.length > limits.maxBytes) {
                in.abort();
                throw tooLarge(location.uri(key));
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(location.uri(key) + " is not UTF-8 text", e);
        }
    }

    private IOException tooLarge(String uri) {
        return new IOException(uri + " is larger than " + limits.maxBytes + " bytes, the most a rule file may have");
    }
}
