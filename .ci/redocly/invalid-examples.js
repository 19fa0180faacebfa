// Redocly plugin of wacr (see redocly.yaml): a preprocessor that leaves out of the lint the
// request examples the document marks `x-invalid-example`. They show the 422 VALIDATION_ERROR
// answer to a request that breaks a rule of the schema, so they break it on purpose; every other
// example is still checked against its schema.
module.exports = function wacrPlugin() {
  return {
    id: 'wacr',
    preprocessors: {
      oas3: {
        'skip-invalid-examples': () => ({
          MediaType: {
            leave(media) {
              for (const [name, example] of Object.entries(media.examples || {})) {
                if (example && example['x-invalid-example']) delete media.examples[name];
              }
            },
          },
        }),
      },
    },
  };
};
