package io.nightshift.job;

import io.nightshift.NightshiftException;
import javax.sql.DataSource;

/** Remote partitions need a job repository every worker reaches: not the embedded H2 database of one machine. */
public final class SharedRepository {

    private final DataSource dataSource;

    SharedRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void require(String doing) {
        String product;
        try (java.sql.Connection connection = dataSource.getConnection()) {
            product = connection.getMetaData().getDatabaseProductName();
        } catch (java.sql.SQLException e) {
            return; // the run's own first query reports an unreachable database
        }
        if (!product.toLowerCase(java.util.Locale.ROOT).contains("postgres")) {
            throw new RemotePartitionException(NightshiftException.Disposition.CONFIGURATION, "Cannot " + doing
                    + ": remote partitions need a shared job repository that the manager and every worker reach (PostgreSQL),"
                    + " but this one is " + product + " (the embedded default). Set spring.datasource.url"
                    + " (SPRING_DATASOURCE_URL) to jdbc:postgresql://HOST:5432/DB, or use partitions.mode: local.", null);
        }
    }
}
