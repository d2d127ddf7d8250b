DROP TABLE organization_hook_secrets;
