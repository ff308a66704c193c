package io.trailwarden.config;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * Property group {@code TrailWarden.Aws}: where the responders' AWS calls go. Credentials are never
 * configuration: they always come from the SDK's default provider chain (the MSF application's role in
 * production), so no secret can end up in a property group or a log.
 */
public final class AwsConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String GROUP = "TrailWarden.Aws";

    /** Region of the job's own SNS topic and of STS; IAM is global. */
    public final String region;
    /** An emulator's URL (moto server) for IAM, STS and SNS alike; null for the real AWS endpoints. */
    public final String endpointOverride;

    public AwsConfig(String region, String endpointOverride) {
        this.region = region;
        this.endpointOverride = endpointOverride;
    }

    public static AwsConfig defaults() {
        return read(PropertyGroups.empty(), new java.util.ArrayList<>());
    }

    static AwsConfig read(PropertyGroups groups, List<String> errors) {
        GroupReader reader = new GroupReader(groups, GROUP, errors);
        String region = reader.string("region", "us-east-1");
        if (!region.matches("[a-z]{2}(-[a-z]+)+-\\d")) {
            reader.error("region", "is not an AWS region name: '" + region + "'");
        }
        String endpoint = reader.string("endpointOverride", null);
        if (endpoint != null) {
            try {
                URI uri = new URI(endpoint);
                if (uri.getScheme() == null || uri.getHost() == null) {
                    reader.error("endpointOverride", "must be an absolute URL such as http://127.0.0.1:5000");
                }
            } catch (URISyntaxException e) {
                reader.error("endpointOverride", "is not a URL: " + e.getMessage());
            }
        }
        reader.rejectUnknownKeys();
        return new AwsConfig(region, endpoint);
    }
}
