export { SETTING_DEFINITIONS, SETTING_GROUPS, findDefinition, isSettingKey, type SettingDefinition, type SettingGroup, type SettingKey, type SettingValues } from './definitions.ts';
export { SETTING_TYPES, parseSettingValue, MAX_IMAGE_BYTES, type SettingType, type SettingValueOf } from './setting-types.ts';
export { getSettings, getSetting, orgToday, getSettingItem, listSettings, type SettingItem, type SettingsRuntime } from './get-settings.ts';
export { updateSetting, type UpdateSettingDeps } from './update-setting.ts';
