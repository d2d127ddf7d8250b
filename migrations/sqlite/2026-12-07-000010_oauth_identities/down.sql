DROP TABLE oauth_states;
DROP TABLE user_identities;
