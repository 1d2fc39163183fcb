package streamsim.infra.registry;

import io.apicurio.common.apps.config.DynamicConfigPropertyList;
import java.util.List;
import javax.enterprise.inject.Produces;
import javax.inject.Singleton;

/**
 * The list of run-time editable configuration properties that Apicurio's config-index build
 * extension generates. That extension's deployment module is not on Maven Central, so the
 * application is built without it and this producer supplies the list instead: empty, so no
 * property of the registry can be changed through its admin API at run time.
 */
public class DynamicConfigProperties {
    @Produces
    @Singleton
    DynamicConfigPropertyList dynamicConfigProperties() {
        return new DynamicConfigPropertyList(List.of());
    }
}
