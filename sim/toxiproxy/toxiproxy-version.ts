/** The Toxiproxy version the API reports (`GET /version`): the release whose HTTP API and behaviour this server follows. */
export const TOXIPROXY_VERSION = '2.12.0';
