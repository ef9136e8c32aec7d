declare module 'asl-validator' {
  function validator(
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): {
    isValid: boolean;
    errors: unknown[];
    errorsText(separator?: string): string;
  };
  export = validator;
}
