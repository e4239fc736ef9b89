package io.longstream.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Spring Boot service; started by the {@code serve} command (see {@link LongstreamMain}). */
@SpringBootApplication
@ConfigurationPropertiesScan
public class LongstreamApplication {}
