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
    "/api/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create Session
         * @description Upload a video once: it is validated like a workflow's and decoded into the session's
         *     frame store; later calls never decode it again.
         */
        post: operations["create_session_api_sessions_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{session_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Session */
        get: operations["get_session_api_sessions__session_id__get"];
        put?: never;
        post?: never;
        /**
         * Delete Session
         * @description Delete the session, its frames and masks (refused while a task runs on it).
         */
        delete: operations["delete_session_api_sessions__session_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{session_id}/prompts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add Prompt
         * @description Clicks (and/or a box) for one object on one frame: answers that object's mask on that
         *     frame, computed now. The clicks replace the object's earlier clicks on that frame (send the
         *     full list each time); on a frame the object was propagated to, they correct that mask.
         */
        post: operations["add_prompt_api_sessions__session_id__prompts_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{session_id}/objects/{object_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete Object
         * @description Forget an object: its prompts and masks (refused while it is being propagated).
         */
        delete: operations["delete_object_api_sessions__session_id__objects__object_id__delete"];
        options?: never;
        head?: never;
        /**
         * Update Object
         * @description Rename or recolour an object (its colour is used by the overlay effect).
         */
        patch: operations["update_object_api_sessions__session_id__objects__object_id__patch"];
        trace?: never;
    };
    "/api/sessions/{session_id}/masks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Frame Masks
         * @description Every object's stored mask on one frame (COCO RLE, working resolution).
         */
        get: operations["frame_masks_api_sessions__session_id__masks_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{session_id}/masks.zip": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Masks Zip
         * @description One PNG per frame: object ids as pixel values (0 = background); for one object 0/255.
         */
        get: operations["masks_zip_api_sessions__session_id__masks_zip_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{session_id}/frames/{frame_idx}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Frame Image
         * @description Frame `frame_idx` at the working resolution, exactly the picture the masks refer to.
         */
        get: operations["frame_image_api_sessions__session_id__frames__frame_idx__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{session_id}/propagate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Propagate
         * @description Track the objects from their prompts over the frames each prompt governs (every frame
         *     follows the latest prompted frame at or before it; those before the first follow the first). Per-frame masks stream on the task's event stream as
         *     `event: frame`; cancel with POST /api/task/{id}/cancel.
         */
        post: operations["propagate_api_sessions__session_id__propagate_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{session_id}/render": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Render
         * @description Render an effect over the objects with the chosen sound, plus the exports; the task's
         *     result holds the URLs (video_url, masks_url, coco_url, matte_url, ...).
         */
        post: operations["render_api_sessions__session_id__render_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sessions/{session_id}/text": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Text Prompt
         * @description Find what a text prompt names: every instance found becomes a new object, its mask that
         *     object's prompt on the frame (clicks there correct it). Also says which sound the prompt
         *     asks for, as a render `audio` value.
         */
        post: operations["text_prompt_api_sessions__session_id__text_post"];
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
         * FrameMasks
         * @description GET /api/sessions/{id}/masks?frame_idx=N.
         */
        FrameMasks: {
            /** Frame Idx */
            frame_idx: number;
            /**
             * Masks
             * @description object id -> COCO RLE (an empty mask: computed, not visible there)
             */
            masks: {
                [key: string]: components["schemas"]["Rle"];
            };
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
        /** Point */
        Point: {
            /**
             * X
             * @description percent of the frame width (0-100)
             */
            x: number;
            /**
             * Y
             * @description percent of the frame height (0-100)
             */
            y: number;
            /**
             * Positive
             * @description false: a click on what is NOT the object
             * @default true
             */
            positive: boolean;
        };
        /** ProcessingStep */
        ProcessingStep: {
            /** Id */
            id: string;
            /** Label */
            label: string;
            status: components["schemas"]["StepStatus"];
        };
        /** PromptAnswer */
        PromptAnswer: {
            /** Object Id */
            object_id: number;
            /** Frame Idx */
            frame_idx: number;
            /** @description COCO RLE at the session's working resolution */
            mask: components["schemas"]["Rle"];
            /**
             * Area
             * @description pixels in the mask
             */
            area: number;
            /** Corrects */
            corrects: boolean;
        };
        /** PromptOut */
        PromptOut: {
            /** Frame Idx */
            frame_idx: number;
            /** Points */
            points: components["schemas"]["Point"][];
            /** Box */
            box: [
                number,
                number,
                number,
                number
            ] | null;
            /**
             * Corrects
             * @description the clicks correct the propagated mask of that frame
             */
            corrects: boolean;
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
         * Rle
         * @description {"size": [height, width], "counts": "<compressed string>"} as pycocotools writes it.
         */
        Rle: {
            /** Size */
            size: number[];
            /** Counts */
            counts: string;
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
         * SessionDetail
         * @description GET /api/sessions/{id}: the session, its objects with their prompts, running tasks.
         */
        SessionDetail: {
            /** Session Id */
            session_id: string;
            /**
             * Status
             * @description the frames are decoded: prompts can come
             * @constant
             */
            status: "ready";
            /** Frame Count */
            frame_count: number;
            /** Fps */
            fps: number;
            /**
             * Width
             * @description working width: masks and coordinates refer to it
             */
            width: number;
            /** Height */
            height: number;
            /** Duration S */
            duration_s: number;
            /** Has Audio */
            has_audio: boolean;
            /** Filename */
            filename: string;
            /** Notices */
            notices: string[];
            /** Created At */
            created_at: number;
            /**
             * Expires At
             * @description when an untouched session is cleaned up
             */
            expires_at: number;
            /** Objects */
            objects: components["schemas"]["SessionObject"][];
            /** Tasks */
            tasks: components["schemas"]["SessionTaskRef"][];
        };
        /**
         * SessionInfo
         * @description POST /api/sessions (201): the session and its video at the working resolution.
         */
        SessionInfo: {
            /** Session Id */
            session_id: string;
            /**
             * Status
             * @description the frames are decoded: prompts can come
             * @constant
             */
            status: "ready";
            /** Frame Count */
            frame_count: number;
            /** Fps */
            fps: number;
            /**
             * Width
             * @description working width: masks and coordinates refer to it
             */
            width: number;
            /** Height */
            height: number;
            /** Duration S */
            duration_s: number;
            /** Has Audio */
            has_audio: boolean;
            /** Filename */
            filename: string;
            /** Notices */
            notices: string[];
            /** Created At */
            created_at: number;
            /**
             * Expires At
             * @description when an untouched session is cleaned up
             */
            expires_at: number;
        };
        /** SessionObject */
        SessionObject: {
            /** Object Id */
            object_id: number;
            /** Name */
            name: string;
            /** Color */
            color: string | null;
            /** Prompts */
            prompts: components["schemas"]["PromptOut"][];
            /**
             * Propagated
             * @description every prompt has been propagated over its frames
             */
            propagated: boolean;
            /**
             * Propagating
             * @description a propagation of this object is running
             */
            propagating: boolean;
        };
        /** SessionTaskRef */
        SessionTaskRef: {
            /** Task Id */
            task_id: string;
            /** Kind */
            kind: string;
            /** Object Ids */
            object_ids: number[];
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
         * TaskAccepted
         * @description 202: the task runs; follow it at task_url or its event stream.
         */
        TaskAccepted: {
            /** Task Id */
            task_id: string;
            /** Session Id */
            session_id: string;
            /** Kind */
            kind: string;
            status: components["schemas"]["JobStatus"];
            /** Task Url */
            task_url: string;
            /**
             * Events Url
             * @description SSE: the task JSON on every change; a propagation also sends `event: frame` with {frame_idx, masks} for every frame as it is stored
             */
            events_url: string;
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
            /** Session Id */
            session_id?: string | null;
            /** Object Ids */
            object_ids?: number[] | null;
            /** Frames Tracked */
            frames_tracked?: number | null;
            /**
             * Video Url
             * @description Rendered video
             */
            video_url?: string | null;
            /**
             * Png Sequence Url
             * @description Cutout frames (RGBA PNGs)
             */
            png_sequence_url?: string | null;
            /**
             * Coco Url
             * @description Masks (COCO RLE JSON)
             */
            coco_url?: string | null;
            /**
             * Matte Url
             * @description Alpha matte (MP4)
             */
            matte_url?: string | null;
            /** Effect */
            effect?: ("overlay" | "cutout" | "blur" | "pixelate" | "background" | "spotlight" | "remove") | null;
            /** Audio */
            audio?: string | null;
        } & {
            [key: string]: unknown;
        };
        /**
         * TextAnswer
         * @description The objects the prompt created (one per instance found) and the sound it names.
         */
        TextAnswer: {
            /** Prompt */
            prompt: string;
            /**
             * Frame Idx
             * @description where the objects were found (null: nowhere)
             */
            frame_idx: number | null;
            /** Objects */
            objects: components["schemas"]["TextObject"][];
            /**
             * Audio
             * @description the render `audio` the prompt asks for ('stem:drums', 'without:vocals'); null when it names no sound or the video has none
             */
            audio: string | null;
            /**
             * Ai Response
             * @description what was found and what to do next, in words
             */
            ai_response: string;
        };
        /** TextObject */
        TextObject: {
            /** Object Id */
            object_id: number;
            /**
             * Name
             * @description what the engine took it for, e.g. 'drummer'
             */
            name: string;
            /** Frame Idx */
            frame_idx: number;
            /** @description COCO RLE at the session's working resolution */
            mask: components["schemas"]["Rle"];
            /** Area */
            area: number;
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
            /** @description text/event-stream: `data: <Task JSON>` on every change, until it ends; a session propagation also sends `event: frame` with {frame_idx, masks} per stored frame */
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
    create_session_api_sessions_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /** Format: binary */
                    video: Blob;
                };
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionInfo"];
                };
            };
            /** @description a field is missing or out of range (the detail says which) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description the video is over the size limit */
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
        };
    };
    get_session_api_sessions__session_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                session_id: string;
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
                    "application/json": components["schemas"]["SessionDetail"];
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
            /** @description no such session or object */
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
    delete_session_api_sessions__session_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                session_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
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
            /** @description no such session or object */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description the object is being propagated (or a task runs on the session) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    add_prompt_api_sessions__session_id__prompts_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                session_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Frame Idx
                     * @description the frame the clicks are on
                     */
                    frame_idx: number;
                    /**
                     * Object Id
                     * @description a new id starts a new object (1-255)
                     */
                    object_id: number;
                    /** Points */
                    points?: {
                        /**
                         * X
                         * @description percent of the frame width (0-100)
                         */
                        x: number;
                        /**
                         * Y
                         * @description percent of the frame height (0-100)
                         */
                        y: number;
                        /**
                         * Positive
                         * @description false: a click on what is NOT the object
                         * @default true
                         */
                        positive?: boolean;
                    }[];
                    /**
                     * Box
                     * @description [x0, y0, x1, y1] in percent of the frame
                     */
                    box?: [
                        number,
                        number,
                        number,
                        number
                    ] | null;
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
                    "application/json": components["schemas"]["PromptAnswer"];
                };
            };
            /** @description a field is missing or out of range (the detail says which) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description no such session or object */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description the object is being propagated (or a task runs on the session) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    delete_object_api_sessions__session_id__objects__object_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                session_id: string;
                object_id: number;
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
                    "application/json": components["schemas"]["SessionDetail"];
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
            /** @description no such session or object */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description the object is being propagated (or a task runs on the session) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    update_object_api_sessions__session_id__objects__object_id__patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                session_id: string;
                object_id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Name */
                    name?: string | null;
                    /**
                     * Color
                     * @description e.g. '#ff3030'
                     */
                    color?: string | null;
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
                    "application/json": components["schemas"]["SessionDetail"];
                };
            };
            /** @description a field is missing or out of range (the detail says which) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description no such session or object */
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
    frame_masks_api_sessions__session_id__masks_get: {
        parameters: {
            query: {
                /** @description the frame */
                frame_idx: number;
            };
            header?: never;
            path: {
                session_id: string;
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
                    "application/json": components["schemas"]["FrameMasks"];
                };
            };
            /** @description a field is missing or out of range (the detail says which) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description no such session or object */
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
    masks_zip_api_sessions__session_id__masks_zip_get: {
        parameters: {
            query?: {
                /** @description comma-separated ids (default: all) */
                object_ids?: string | null;
            };
            header?: never;
            path: {
                session_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description zip of NNNNN.png */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/zip": unknown;
                };
            };
            /** @description a field is missing or out of range (the detail says which) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description no such session or object */
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
    frame_image_api_sessions__session_id__frames__frame_idx__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                session_id: string;
                frame_idx: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the frame as a JPEG */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "image/jpeg": unknown;
                };
            };
            /** @description a field is missing or out of range (the detail says which) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description no such session or object */
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
    propagate_api_sessions__session_id__propagate_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                session_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /**
                     * Object Ids
                     * @description default: every prompted object
                     */
                    object_ids?: number[] | null;
                    /**
                     * Start Frame Idx
                     * @description propagate only the prompts on this frame (after a correction there); default: every prompted frame
                     */
                    start_frame_idx?: number | null;
                    /**
                     * Direction
                     * @default both
                     * @enum {string}
                     */
                    direction?: "both" | "forward" | "backward";
                };
            };
        };
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TaskAccepted"];
                };
            };
            /** @description a field is missing or out of range (the detail says which) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description no such session or object */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description the objects are being propagated */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description too many tasks are waiting */
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
    render_api_sessions__session_id__render_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                session_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /**
                     * Effect
                     * @description what the video shows
                     * @default overlay
                     * @enum {string}
                     */
                    effect?: "overlay" | "cutout" | "blur" | "pixelate" | "background" | "spotlight" | "remove";
                    /**
                     * Object Ids
                     * @description the objects the effect applies to (default: every object)
                     */
                    object_ids?: number[] | null;
                    /**
                     * Audio
                     * @description 'original', 'none', 'stem:<name>' (only that sound) or 'without:<name>' (everything but it), e.g. 'without:vocals' to remove a singer and their voice
                     * @default original
                     */
                    audio?: string;
                    /**
                     * Target
                     * @description blur / pixelate: the objects, or everything but them
                     * @default object
                     * @enum {string}
                     */
                    target?: "object" | "background";
                    /**
                     * Background
                     * @description background effect: 'blur', or a colour such as '#00ff00'
                     * @default blur
                     */
                    background?: string;
                    /**
                     * Exports
                     * @description extra files: the masks zip, COCO RLE JSON, the alpha-matte MP4
                     */
                    exports?: ("masks_zip" | "coco_json" | "matte_mp4")[];
                };
            };
        };
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TaskAccepted"];
                };
            };
            /** @description a field is missing or out of range (the detail says which) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description no such session or object */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description the objects are being propagated */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description too many tasks are waiting */
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
    text_prompt_api_sessions__session_id__text_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                session_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Prompt
                     * @description e.g. 'the drummer'
                     */
                    prompt: string;
                    /**
                     * Frame Idx
                     * @description the frame to look on; default: the first of frame 0, the middle and two thirds in where something is found
                     */
                    frame_idx?: number | null;
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
                    "application/json": components["schemas"]["TextAnswer"];
                };
            };
            /** @description a field is missing or out of range */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description no such session */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description the engine cannot find what the prompt names (with suggestions) */
            422: {
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
            /** @description the file (H.264 MP4 with the original audio, WAV stem, zip of mask PNGs, a session render's VP9 WebM with alpha or COCO RLE JSON) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "video/mp4": unknown;
                    "video/webm": unknown;
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
  { key: "video_url", label: "Rendered video" },
  { key: "png_sequence_url", label: "Cutout frames (RGBA PNGs)" },
  { key: "coco_url", label: "Masks (COCO RLE JSON)" },
  { key: "matte_url", label: "Alpha matte (MP4)" },
] as const;
