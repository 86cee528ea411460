/** The config and profile loader shared by the gateway and the simulator. */

export * from './config-issue.js';
export * from './defaults.js';
export * from './environment.js';
export * from './exposure.js';
export { BUILT_IN_PROFILES_DIR, findProfile, loadProfileFile, profileIssues, readYaml } from './load-profile.js';
export { loadSiteConfig } from './load-site.js';
export * from './point-data-type.js';
export * from './ports.js';
export * from './profile-schema.js';
export * from './register-codec.js';
export { type AcquisitionConfig, AcquisitionSchema } from './schema-acquisition.js';
export type { AlarmManagementConfig, AnalyticsConfig, SuppressionRule } from './schema-alarm-management.js';
export { conditionProblem } from './schema-alarms.js';
export * from './schema-http.js';
export type { SparkplugLink, SparkplugWrite } from './schema-sparkplug.js';
export * from './schema-tls.js';
export * from './schema-twin.js';
export type { DeliveryConfig, InfluxConfig, LocalUser } from './schema-uplinks.js';
export * from './site-config.js';
export * from './site-overrides.js';
export { SiteSchema } from './site-schema.js';
export { validateAgainst } from './validate.js';
export { YamlSource } from './yaml-source.js';
