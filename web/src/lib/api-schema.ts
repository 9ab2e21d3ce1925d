// Generated from the server's OpenAPI schema by web/scripts/gen-api-types.mjs: do not edit.
// Regenerate with `make api-types` after changing an endpoint, a request form or a response model.
export interface paths {
    "/api/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Api Health */
        get: operations["api_health_api_health_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Root */
        get: operations["root__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/track-point": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Track an object from a click
         * @description Track an object from a click. Answers when the job is done (200, every URL live), or at once (202, URLs answer 404 until the task completes) with `Prefer: respond-async`.
         */
        post: operations["track_point_api_track_point_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/text-to-video": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Find, track and isolate by text
         * @description Find, track and isolate by text. Answers when the job is done (200, every URL live), or at once (202, URLs answer 404 until the task completes) with `Prefer: respond-async`.
         */
        post: operations["text_to_video_api_text_to_video_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/remove-object": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Remove a clicked object
         * @description Remove a clicked object. Answers when the job is done (200, every URL live), or at once (202, URLs answer 404 until the task completes) with `Prefer: respond-async`.
         */
        post: operations["remove_object_api_remove_object_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/task/{task_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Task */
        get: operations["get_task_api_task__task_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/task/{task_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel Task
         * @description Cancel a pending job at once, a running one at its next progress report.
         */
        post: operations["cancel_task_api_task__task_id__cancel_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/task/{task_id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Task Events
         * @description Server-sent events: the task JSON whenever it changes, ending after a terminal status.
         */
        get: operations["task_events_api_task__task_id__events_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/uploads/{task_id}/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Result File */
        get: operations["result_file_uploads__task_id___name__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** ActiveEngines */
        ActiveEngines: {
            /** Vision */
            vision: string | null;
            /** Audio */
            audio: string | null;
            /** Inpaint */
            inpaint: string | null;
        };
        /** EngineStatus */
        EngineStatus: {
            /** Name */
            name: string;
            /** Kind */
            kind: string;
            /** Description */
            description: string;
            /** Available */
            available: boolean;
            /** Reason */
            reason: string;
            /** Device */
            device: string;
            /** Embedded */
            embedded: boolean;
        };
        /**
         * ErrorBody
         * @description Every 4xx/5xx: `detail` is one sentence written for a person.
         */
        ErrorBody: {
            /** Detail */
            detail: string;
            /**
             * Suggestions
             * @description prompts the engine can ground instead (422 on a text prompt)
             */
            suggestions?: string[] | null;
        };
        /**
         * Health
         * @description GET /api/health: the spec's fields plus every engine, the active ones and the limits.
         */
        Health: {
            /** Status */
            status: string;
            /** Version */
            version: string;
            /**
             * Sam3 Available
             * @description SAM 3 can run here AND is the engine in use
             */
            sam3_available: boolean;
            /** Sam3 Setup Valid */
            sam3_setup_valid: boolean;
            /** Sam3 Message */
            sam3_message: string;
            /** Demucs Available */
            demucs_available: boolean;
            /** Upload Dir */
            upload_dir: string;
            /** Active Tasks */
            active_tasks: number;
            /**
             * Warming Up
             * @description the engines are still loading at server start (a job submitted now waits for them)
             */
            warming_up: boolean;
            /** Device */
            device: string;
            /** Engines */
            engines: {
                [key: string]: components["schemas"]["EngineStatus"][];
            };
            active: components["schemas"]["ActiveEngines"];
            limits: components["schemas"]["Limits"];
        };
        /** IntentModel */
        IntentModel: {
            /** Visual Query */
            visual_query: string | null;
            /** Stem */
            stem: string | null;
            /** Complement */
            complement: boolean;
            /** Explanation */
            explanation: string;
        };
        /**
         * JobStatus
         * @enum {string}
         */
        JobStatus: "pending" | "processing" | "complete" | "error" | "cancelled";
        /** Limits */
        Limits: {
            /** Max Upload Mb */
            max_upload_mb: number;
            /** Max Duration S */
            max_duration_s: number;
            /** Max Width */
            max_width: number;
            /** Max Height */
            max_height: number;
            /** Formats */
            formats: string[];
        };
        /** ProcessingStep */
        ProcessingStep: {
            /** Id */
            id: string;
            /** Label */
            label: string;
            status: components["schemas"]["StepStatus"];
        };
        /**
         * RemoveObjectResponse
         * @description POST /api/remove-object: Remove a clicked object.
         */
        RemoveObjectResponse: {
            /** Task Id */
            task_id: string;
            status: components["schemas"]["JobStatus"];
            /** Progress */
            progress: number;
            /** Processing Steps */
            processing_steps: components["schemas"]["ProcessingStep"][];
            /** Notices */
            notices: string[];
            /**
             * Task Url
             * @description GET it for the job's status (the 202's Location)
             */
            task_url: string;
            /**
             * Events Url
             * @description server-sent events: the task on every change
             */
            events_url: string;
            /** Error */
            error?: string | null;
            /**
             * Inpainted Video Url
             * @description Video with object removed (inpainted_video.mp4)
             */
            inpainted_video_url: string | null;
            /**
             * Masks Url
             * @description Masks (PNG per frame) (masks.zip)
             */
            masks_url: string | null;
            /**
             * Audio Url
             * @description Soundtrack without the removed sound (no_{remove_stem}.wav)
             */
            audio_url?: string | null;
            /**
             * Removed Audio Url
             * @description The removed sound ({remove_stem}.wav)
             */
            removed_audio_url?: string | null;
            /** Frame Count */
            frame_count: number | null;
            /** Frames With Object */
            frames_with_object: number | null;
            /** Ai Response */
            ai_response: string | null;
        };
        /**
         * RootInfo
         * @description GET / for API clients (browsers get the web UI).
         */
        RootInfo: {
            /** Status */
            status: string;
            /** Message */
            message: string;
            /** Sam3 Available */
            sam3_available: boolean;
            /** Sam3 Setup */
            sam3_setup: string;
            /** Vision Engine */
            vision_engine: string | null;
            /** Ui */
            ui: string | null;
        };
        /**
         * StepStatus
         * @description Where one step of a run stands (the public contract's `processing_steps[].status`).
         * @enum {string}
         */
        StepStatus: "pending" | "processing" | "complete" | "error" | "skipped";
        /**
         * Task
         * @description GET /api/task/{id}: the spec's steps/status/error plus progress, result and notices.
         */
        Task: {
            /** Task Id */
            task_id: string;
            /** Kind */
            kind: string;
            status: components["schemas"]["JobStatus"];
            /** Steps */
            steps: components["schemas"]["ProcessingStep"][];
            /** Progress */
            progress: number;
            /** Error */
            error: string | null;
            /** Error Code */
            error_code: number | null;
            result: components["schemas"]["TaskResult"];
            /** Notices */
            notices: string[];
            /** Created At */
            created_at: number;
            /** Finished At */
            finished_at: number | null;
        };
        /**
         * TaskResult
         * @description Result URLs (once complete) and result fields of any workflow.
         */
        TaskResult: {
            /**
             * Masked Video Url
             * @description Tracked video
             */
            masked_video_url?: string | null;
            /**
             * Masks Url
             * @description Masks (PNG per frame)
             */
            masks_url?: string | null;
            /**
             * Full Masks Url
             * @description Masks at full resolution (PNG per frame)
             */
            full_masks_url?: string | null;
            /** Frame Count */
            frame_count?: number | null;
            /** Frames With Object */
            frames_with_object?: number | null;
            /** Engine */
            engine?: string | null;
            /**
             * Highlighted Video Url
             * @description Highlighted video
             */
            highlighted_video_url?: string | null;
            /**
             * Audio Url
             * @description Isolated audio
             */
            audio_url?: string | null;
            /**
             * Stem Video Url
             * @description Video with isolated audio
             */
            stem_video_url?: string | null;
            /**
             * Complement Audio Url
             * @description Everything else (audio)
             */
            complement_audio_url?: string | null;
            /** Ai Response */
            ai_response?: string | null;
            intent?: components["schemas"]["IntentModel"] | null;
            /** Objects */
            objects?: {
                [key: string]: string;
            } | null;
            /**
             * Inpainted Video Url
             * @description Video with object removed
             */
            inpainted_video_url?: string | null;
            /**
             * Removed Audio Url
             * @description The removed sound
             */
            removed_audio_url?: string | null;
        } & {
            [key: string]: unknown;
        };
        /**
         * TextToVideoResponse
         * @description POST /api/text-to-video: Find, track and isolate by text.
         */
        TextToVideoResponse: {
            /** Task Id */
            task_id: string;
            status: components["schemas"]["JobStatus"];
            /** Progress */
            progress: number;
            /** Processing Steps */
            processing_steps: components["schemas"]["ProcessingStep"][];
            /** Notices */
            notices: string[];
            /**
             * Task Url
             * @description GET it for the job's status (the 202's Location)
             */
            task_url: string;
            /**
             * Events Url
             * @description server-sent events: the task on every change
             */
            events_url: string;
            /** Error */
            error?: string | null;
            /**
             * Highlighted Video Url
             * @description Highlighted video (highlighted_video.mp4)
             */
            highlighted_video_url: string | null;
            /**
             * Audio Url
             * @description Isolated audio ({heard}.wav); what the prompt asks to hear: the stem it names (the mix without that stem for 'remove the vocals' or karaoke prompts), else the 'other' stem; null without sound
             */
            audio_url: string | null;
            /**
             * Stem Video Url
             * @description Video with isolated audio (stem_video.mp4)
             */
            stem_video_url?: string | null;
            /**
             * Complement Audio Url
             * @description Everything else (audio) ({rest}.wav)
             */
            complement_audio_url?: string | null;
            /**
             * Masks Url
             * @description Masks (PNG per frame) (masks.zip)
             */
            masks_url: string | null;
            /** Frame Count */
            frame_count: number | null;
            /** Frames With Object */
            frames_with_object: number | null;
            /** Ai Response */
            ai_response: string | null;
            intent: components["schemas"]["IntentModel"] | null;
            /**
             * Objects
             * @description object id -> what was found
             */
            objects: {
                [key: string]: string;
            } | null;
        };
        /**
         * TrackPointResponse
         * @description POST /api/track-point: Track an object from a click.
         */
        TrackPointResponse: {
            /** Task Id */
            task_id: string;
            status: components["schemas"]["JobStatus"];
            /** Progress */
            progress: number;
            /** Processing Steps */
            processing_steps: components["schemas"]["ProcessingStep"][];
            /** Notices */
            notices: string[];
            /**
             * Task Url
             * @description GET it for the job's status (the 202's Location)
             */
            task_url: string;
            /**
             * Events Url
             * @description server-sent events: the task on every change
             */
            events_url: string;
            /** Error */
            error?: string | null;
            /**
             * Masked Video Url
             * @description Tracked video (masked_video.mp4)
             */
            masked_video_url: string | null;
            /**
             * Masks Url
             * @description Masks (PNG per frame) (masks.zip)
             */
            masks_url: string | null;
            /**
             * Full Masks Url
             * @description Masks at full resolution (PNG per frame) (masks_full.zip)
             */
            full_masks_url?: string | null;
            /** Frame Count */
            frame_count: number | null;
            /** Frames With Object */
            frames_with_object: number | null;
            /**
             * Engine
             * @description the vision engine that ran
             */
            engine: string | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    api_health_api_health_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    root__get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description JSON for API clients; the web UI (text/html) for browsers */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RootInfo"];
                    "text/html": unknown;
                };
            };
        };
    };
    track_point_api_track_point_post: {
        parameters: {
            query?: {
                /** @description true: answer when the job is done (the default); false: answer 202 at once. Wins over the Prefer header. */
                wait?: boolean | null;
            };
            header?: {
                /** @description 'respond-async' (RFC 7240): answer 202 at once with Location: /api/task/{id}. */
                prefer?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /**
                     * Format: binary
                     * @description the video file (MP4, WebM, MOV, AVI or MKV; the container is probed)
                     */
                    video: Blob;
                    /**
                     * Accept Cut Off
                     * @description a file cut off before its end is refused (400); true: work on the part that is there, with a notice naming what is missing
                     * @default false
                     */
                    accept_cut_off?: boolean;
                    /**
                     * X
                     * @description click, percent of the frame width (0-100)
                     */
                    x?: number | null;
                    /**
                     * Y
                     * @description click, percent of the frame height (0-100)
                     */
                    y?: number | null;
                    /**
                     * Frame Idx
                     * @description the frame the clicks are on
                     * @default 0
                     */
                    frame_idx?: number;
                    /**
                     * Points
                     * @description several clicks as JSON, e.g. [{"x": 40, "y": 55, "positive": true}] (1 to 32); replaces x and y
                     */
                    points?: string | null;
                    /**
                     * Full Res Masks
                     * @description also export the masks at the output resolution (masks_full.zip; the masks zip is at the working resolution, at most 854x480)
                     * @default false
                     */
                    full_res_masks?: boolean;
                };
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrackPointResponse"];
                };
            };
            /** @description Accepted: the job runs; follow Location */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrackPointResponse"];
                };
            };
            /** @description bad fields, a video too long, a file cut off */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description the upload stalled */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description over the size limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not a video we can decode */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description a text prompt the engine can't ground (with suggestions) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description too many jobs are waiting */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    text_to_video_api_text_to_video_post: {
        parameters: {
            query?: {
                /** @description true: answer when the job is done (the default); false: answer 202 at once. Wins over the Prefer header. */
                wait?: boolean | null;
            };
            header?: {
                /** @description 'respond-async' (RFC 7240): answer 202 at once with Location: /api/task/{id}. */
                prefer?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /**
                     * Format: binary
                     * @description the video file (MP4, WebM, MOV, AVI or MKV; the container is probed)
                     */
                    video: Blob;
                    /**
                     * Accept Cut Off
                     * @description a file cut off before its end is refused (400); true: work on the part that is there, with a notice naming what is missing
                     * @default false
                     */
                    accept_cut_off?: boolean;
                    /**
                     * Prompt
                     * @description what to find and/or hear, e.g. 'isolate drums', 'the singer', 'red car'
                     */
                    prompt: string;
                };
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TextToVideoResponse"];
                };
            };
            /** @description Accepted: the job runs; follow Location */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TextToVideoResponse"];
                };
            };
            /** @description bad fields, a video too long, a file cut off */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description the upload stalled */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description over the size limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not a video we can decode */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description a text prompt the engine can't ground (with suggestions) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description too many jobs are waiting */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    remove_object_api_remove_object_post: {
        parameters: {
            query?: {
                /** @description true: answer when the job is done (the default); false: answer 202 at once. Wins over the Prefer header. */
                wait?: boolean | null;
            };
            header?: {
                /** @description 'respond-async' (RFC 7240): answer 202 at once with Location: /api/task/{id}. */
                prefer?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /**
                     * Format: binary
                     * @description the video file (MP4, WebM, MOV, AVI or MKV; the container is probed)
                     */
                    video: Blob;
                    /**
                     * Accept Cut Off
                     * @description a file cut off before its end is refused (400); true: work on the part that is there, with a notice naming what is missing
                     * @default false
                     */
                    accept_cut_off?: boolean;
                    /**
                     * X
                     * @description click, percent of the frame width (0-100)
                     */
                    x?: number | null;
                    /**
                     * Y
                     * @description click, percent of the frame height (0-100)
                     */
                    y?: number | null;
                    /**
                     * Frame Idx
                     * @description the frame the clicks are on
                     * @default 0
                     */
                    frame_idx?: number;
                    /**
                     * Points
                     * @description several clicks as JSON, e.g. [{"x": 40, "y": 55, "positive": true}] (1 to 32); replaces x and y
                     */
                    points?: string | null;
                    /**
                     * Remove Stem
                     * @description also remove this sound: drums, bass, vocals or other
                     */
                    remove_stem?: string | null;
                    /**
                     * Prompt
                     * @description or name the sound to remove in words, e.g. 'and the vocals'
                     */
                    prompt?: string | null;
                };
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RemoveObjectResponse"];
                };
            };
            /** @description Accepted: the job runs; follow Location */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RemoveObjectResponse"];
                };
            };
            /** @description bad fields, a video too long, a file cut off */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description the upload stalled */
            408: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description over the size limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description not a video we can decode */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description a text prompt the engine can't ground (with suggestions) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description too many jobs are waiting */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_task_api_task__task_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                task_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Task"];
                };
            };
            /** @description a request field is missing or invalid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description no such task (or it expired) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    cancel_task_api_task__task_id__cancel_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                task_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Task"];
                };
            };
            /** @description a request field is missing or invalid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description no such task (or it expired) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    task_events_api_task__task_id__events_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                task_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description text/event-stream: `data: <Task JSON>` on every change, until it ends */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["Task"];
                };
            };
            /** @description a request field is missing or invalid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description no such task (or it expired) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    result_file_uploads__task_id___name__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                task_id: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the file (H.264 MP4 with the original audio, WAV stem, zip of mask PNGs) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "video/mp4": unknown;
                    "audio/wav": unknown;
                    "application/zip": unknown;
                };
            };
            /** @description a request field is missing or invalid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description no such file, or its job is not complete */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
}

/** The task result's file URLs, labelled for people (GET /api/task/{task_id} `result`, schema order). */
export const RESULT_FILES = [
  { key: "masked_video_url", label: "Tracked video" },
  { key: "masks_url", label: "Masks (PNG per frame)" },
  { key: "full_masks_url", label: "Masks at full resolution (PNG per frame)" },
  { key: "highlighted_video_url", label: "Highlighted video" },
  { key: "audio_url", label: "Isolated audio" },
  { key: "stem_video_url", label: "Video with isolated audio" },
  { key: "complement_audio_url", label: "Everything else (audio)" },
  { key: "inpainted_video_url", label: "Video with object removed" },
  { key: "removed_audio_url", label: "The removed sound" },
] as const;
