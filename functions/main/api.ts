import { makeApiHandler } from '../handlers/api.ts';
import { awsRuntime } from './aws.ts';

/** The intake API's Lambda function (API Gateway REST, IAM-signed requests). */
export const handler = makeApiHandler(awsRuntime);
